"""Walk every URL pattern that takes an object id: anyone but the owner gets 404.

The walk discovers the patterns itself, so a new view taking an object id is checked without
anyone remembering to add it here; a parameter this test does not know makes it fail.
"""

import pytest
from django.urls import reverse

from anef.appointments.services import booking_book, booking_cancel, free_slots, waitlist_join
from anef.documents.services import document_upload
from anef.messaging.services import message_send  # noqa: E402
from anef.testing import (
    invited,
    make_applicant,
    make_site_with_slots,
    pdf_upload,
    submitted,
    url_patterns_with_parameters,
)

pytestmark = pytest.mark.django_db


def _object_patterns():
    return url_patterns_with_parameters({"portal", "api"})


@pytest.fixture
def victim_objects():
    victim = make_applicant()
    application = submitted(victim)
    document = document_upload(
        application_id=application.pk,
        requirement_code="passport",
        uploaded=pdf_upload(),
        actor=victim.user,
        reason="new passport",
    )
    message = message_send(application_id=application.pk, actor=victim.user, body="Hi", uploaded=pdf_upload("a.pdf"))
    make_site_with_slots()
    first = invited(application)
    booking = booking_book(
        token=first.token, slot_id=free_slots(application=application, kind="biometrics")[0].pk, actor=victim.user
    )
    booking_cancel(booking_id=booking.pk, actor=victim.user)  # leaves a new open invitation
    invitation = application.invitations.get(status="open")
    booking = booking_book(
        token=invitation.token, slot_id=free_slots(application=application, kind="biometrics")[0].pk, actor=victim.user
    )
    invitation = application.invitations.create(kind="interview", assign_after=booking.created_at)
    entry = waitlist_join(booking_id=booking.pk, actor=victim.user)
    entry.offered_slot = free_slots(application=application, kind="biometrics")[0]
    entry.offer_token = "offer-token-of-the-victim"
    entry.save()
    return victim, {
        "reference": application.reference,
        "document_id": document.pk,
        "attachment_id": message.attachments.get().pk,
        "number": application.issued_documents.get(type="attestation_depot").number,
        "token": invitation.token,
        "booking_id": booking.pk,
        "offer_token": entry.offer_token,
    }


def _url(namespace, name, parameters, values):
    kwargs = {}
    for parameter in parameters:
        if parameter == "format":
            continue
        if parameter not in values:
            pytest.fail(f"{namespace}:{name} takes '{parameter}': teach the ownership walk about it")
        kwargs[parameter] = values[parameter]
    return reverse(f"{namespace}:{name}", kwargs=kwargs)


def test_the_walk_finds_the_object_views():
    names = {(ns, name) for ns, name, _params in _object_patterns()}
    assert ("portal", "application") in names
    assert ("portal", "document") in names
    assert ("api", "application-detail") in names


def test_every_object_url_answers_404_to_another_applicant_and_works_for_the_owner(client, victim_objects):
    victim, values = victim_objects
    intruder = make_applicant()
    checked = 0
    for namespace, name, parameters in _object_patterns():
        url = _url(namespace, name, parameters, values)
        client.force_login(intruder.user)
        answers = {method: getattr(client, method)(url).status_code for method in ("get", "post", "put", "delete")}
        allowed = [method for method, status in answers.items() if status != 405]
        assert allowed, f"{url} accepts no method"
        # A method the view does not accept answers 405 whatever the object; every other answer is 404.
        for method in allowed:
            assert answers[method] == 404, f"{method.upper()} {url} answered {answers[method]} to a stranger"
        client.force_login(victim.user)
        response = client.get(url)
        assert response.status_code in (200, 302, 405), f"GET {url} answered {response.status_code} to its owner"
        checked += 1
    assert checked >= 9


def test_anonymous_visitors_are_sent_to_sign_in(client, victim_objects):
    _victim, values = victim_objects
    for namespace, name, parameters in _object_patterns():
        response = client.get(_url(namespace, name, parameters, values))
        assert response.status_code in (302, 403, 404), name
        if response.status_code == 302:
            assert reverse("account_login") in response["Location"]
