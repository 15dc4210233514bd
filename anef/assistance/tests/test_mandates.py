from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.assistance.models import Mandate
from anef.assistance.services import mandate_grant, mandate_request_paper, mandate_revoke
from anef.testing import draft, make_applicant, make_helper, pdf_upload, profile_form_data, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def helper():
    return make_helper()


def _urls(application):
    return [
        reverse("portal:application", args=[application.reference]),
        reverse("portal:messages", args=[application.reference]),
        reverse("portal:documents", args=[application.reference]),
    ]


def test_before_during_and_after_a_mandate(client, helper):
    person = make_applicant()
    application = submitted(person)
    client.force_login(helper)
    assert all(client.get(url).status_code == 404 for url in _urls(application))  # before

    mandate = mandate_grant(person=person, helper_email=helper.email, ends_on=timezone.localdate() + timedelta(days=30))
    assert all(client.get(url).status_code == 200 for url in _urls(application))  # during

    Mandate.objects.filter(pk=mandate.pk).update(
        starts_on=timezone.localdate() - timedelta(days=10), ends_on=timezone.localdate() - timedelta(days=1)
    )
    assert all(client.get(url).status_code == 404 for url in _urls(application))  # after the end date

    Mandate.objects.filter(pk=mandate.pk).update(ends_on=timezone.localdate() + timedelta(days=30))
    mandate_revoke(mandate=mandate)
    assert all(client.get(url).status_code == 404 for url in _urls(application))  # revoked


def test_a_mandate_on_chosen_applications_covers_only_those(client, helper):
    person = make_applicant()
    covered = submitted(person, "student-renewal")
    outside = submitted(person, "change-of-address")
    mandate_grant(
        person=person,
        helper_email=helper.email,
        ends_on=timezone.localdate() + timedelta(days=30),
        applications=[covered],
    )
    client.force_login(helper)

    assert client.get(_urls(covered)[0]).status_code == 200
    assert all(client.get(url).status_code == 404 for url in _urls(outside))
    # A helper with a partial mandate cannot start new applications for the person.
    response = client.post(reverse("helperspace:start", args=[person.pk, "naturalisation"]))
    assert response.status_code in (302, 404)
    assert not person.applications.filter(procedure__code="naturalisation").exists()


def test_actions_of_a_helper_show_in_the_history_as_done_for_the_applicant(client, helper):
    person = make_applicant(language="en")
    mandate_grant(person=person, helper_email=helper.email, ends_on=timezone.localdate() + timedelta(days=30))
    client.force_login(helper)

    response = client.post(reverse("helperspace:start", args=[person.pk, "change-of-address"]))
    application = person.applications.get(procedure__code="change-of-address")
    assert response.status_code == 302
    event = application.events.get(kind="create")
    assert event.actor == helper and event.payload["helper_structure"] == "France Services Lyon 3"

    from anef.testing import complete

    complete(application)  # answers and documents, as the applicant would give them to the helper
    client.post(reverse("portal:review", args=[application.reference]))
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.events.get(kind="submit").actor == helper
    client.force_login(person.user)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert "France Services Lyon 3" in page and "for the applicant" in page


def test_the_helper_dashboard_lists_people_and_what_they_wait_for(client, helper):
    person = make_applicant()
    draft(person)
    mandate_grant(person=person, helper_email=helper.email, ends_on=timezone.localdate() + timedelta(days=30))
    client.force_login(helper)
    page = client.get(reverse("helperspace:dashboard")).content.decode()
    assert person.full_name in page


def test_a_paper_mandate_needs_a_valid_scan(helper):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    person = make_applicant()
    with pytest.raises(ValidationError):
        mandate_request_paper(
            helper=helper,
            person_email=person.user.email,
            birth_date=person.date_of_birth,
            ends_on=timezone.localdate() + timedelta(days=30),
            uploaded=SimpleUploadedFile("m.pdf", b"not a pdf"),
        )
    assert not Mandate.objects.exists()
    mandate_request_paper(
        helper=helper,
        person_email=person.user.email,
        birth_date=person.date_of_birth,
        ends_on=timezone.localdate() + timedelta(days=30),
        uploaded=pdf_upload(),
    )
    mandate = Mandate.objects.get(person=person)
    assert mandate.paper_mandate.name and mandate.origin == "paper" and mandate.confirmed_at is None


def test_the_applicant_gives_and_revokes_a_mandate_from_their_space(client, helper):
    person = make_applicant()
    client.force_login(person.user)
    client.post(
        reverse("portal:helpers"),
        {"helper_email": helper.email, "ends_on": (timezone.localdate() + timedelta(days=60)).isoformat()},
    )
    mandate = Mandate.objects.get(person=person)
    assert mandate.all_applications
    other = make_applicant()
    client.force_login(other.user)
    assert client.post(reverse("portal:helpers"), {"revoke": mandate.pk}).status_code == 404
    client.force_login(person.user)
    client.post(reverse("portal:helpers"), {"revoke": mandate.pk})
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None


def test_a_helper_without_a_second_factor_is_sent_to_enrol(client):
    helper = make_helper()
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=helper).delete()
    client.force_login(helper)
    response = client.get(reverse("helperspace:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_a_helper_changes_the_profile_only_under_a_mandate_for_all_applications_and_it_is_traced(client, helper):
    person = make_applicant(language="en")
    covered = submitted(person, "student-renewal")
    mandate = mandate_grant(
        person=person,
        helper_email=helper.email,
        ends_on=timezone.localdate() + timedelta(days=30),
        applications=[covered],
    )
    client.force_login(helper)
    url = reverse("portal:application_profile", args=[covered.reference])

    # Chosen applications only: the profile serves all of them, so the helper may not change it.
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 403 and "You cannot change this person's profile" in page.content.decode()
    assert client.post(url, profile_form_data(person, phone="+33612345678")).status_code == 403
    person.refresh_from_db()
    assert person.phone != "+33612345678"

    Mandate.objects.filter(pk=mandate.pk).update(all_applications=True)
    response = client.post(url, profile_form_data(person, phone="+33612345678"))
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.phone == "+33612345678"
    event = covered.events.get(kind="profile_update")
    assert event.actor == helper and event.payload["fields"] == ["phone"]
    client.force_login(person.user)
    assert (
        "Profile of the person changed"
        in client.get(reverse("portal:application", args=[covered.reference])).content.decode()
    )
