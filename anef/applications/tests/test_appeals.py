"""Appeals (recours gracieux): started from the refused application, sent to the prefect who
refused, and, once granted, the refused application is examined again with its whole history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.applications import review, services
from anef.applications.errors import ApplicationError
from anef.applications.models import Application, ApplicationEvent
from anef.applications.selectors import unchecked_documents
from anef.applications.workflow import EventKind, State
from anef.certificates.constants import DocumentStatus, DocumentType
from anef.testing import appealed, complete, make_applicant, make_staff, rewriting_history, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused():
    application = submitted(make_applicant(postcode="69003", language="en"))
    agent = make_staff(prefecture_code="pref-69")
    review.application_start_review(application_id=application.pk, actor=agent)
    review.application_refuse(application_id=application.pk, actor=agent, ground="other", text="Pièces manquantes.")
    application.refresh_from_db()
    return application


def appeal_through_the_page(client, refused) -> Application:
    client.force_login(refused.person.user)
    page = client.get(reverse("portal:application", args=[refused.reference])).content.decode()
    assert reverse("portal:appeal", args=[refused.reference]) in page
    response = client.post(reverse("portal:appeal", args=[refused.reference]))
    appeal = Application.objects.get(appeal_of=refused)
    assert response.status_code == 302 and response.url == reverse("portal:form", args=[appeal.reference])
    return appeal


def test_an_appeal_started_from_the_refusal_goes_to_the_prefect_who_refused(client, refused):
    appeal = appeal_through_the_page(client, refused)
    assert appeal.procedure.category == "appeal" and appeal.state == State.DRAFT
    assert appeal.eligibility and all(appeal.eligibility.values())  # nothing to answer again
    assert appeal.answers["appealed_reference"] == refused.reference
    assert client.post(reverse("portal:appeal", args=[refused.reference])).status_code == 302  # a second click
    assert Application.objects.filter(appeal_of=refused).count() == 1

    type(refused.person).objects.filter(pk=refused.person_id).update(postcode="33000")  # moved to Bordeaux since
    complete(appeal)
    services.application_submit(application_id=appeal.pk, actor=refused.person.user)
    appeal.refresh_from_db()
    assert appeal.state == State.SUBMITTED and appeal.prefecture_id == refused.prefecture_id
    filed = refused.events.get(kind=EventKind.APPEAL_FILED)
    assert filed.payload == {"appeal": appeal.reference}
    page = client.get(reverse("portal:application", args=[refused.reference])).content.decode()
    assert f"Your appeal {appeal.reference}" in page


def test_granting_the_appeal_reopens_the_refused_application_without_losing_its_history(client, refused):
    appeal = appeal_through_the_page(client, refused)
    complete(appeal)
    services.application_submit(application_id=appeal.pk, actor=refused.person.user)
    agent = make_staff(prefecture_code="pref-69")
    client.force_login(agent)
    client.post(reverse("backoffice:act", args=[appeal.reference, "start_review"]))
    case = client.get(reverse("backoffice:case", args=[appeal.reference]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("backoffice:case", args=[refused.reference]) in case
    # Its documents were not checked: the agent confirms accepting anyway (backoffice.forms.AcceptForm).
    unchecked = ",".join(str(document.pk) for document in unchecked_documents(appeal))
    response = client.post(
        reverse("backoffice:act", args=[appeal.reference, "accept"]),
        {"comment": "Pièce reçue.", "confirm_unchecked": "on", "seen": unchecked},
    )
    assert response.status_code == 302

    refused.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.state == State.APPEAL_GRANTED  # the appeal ends; the refused file goes on
    assert appeal.events.filter(kind=EventKind.ACCEPT).exists()
    assert refused.state == State.IN_REVIEW
    kinds = list(refused.events.order_by("sequence").values_list("kind", flat=True))
    assert kinds.index(EventKind.REFUSE) < kinds.index(EventKind.APPEAL_FILED) < kinds.index(EventKind.REOPEN_ON_APPEAL)
    letter = refused.issued_documents.get(type=DocumentType.DECISION_LETTER)
    assert letter.status == DocumentStatus.REVOKED  # the refusal no longer holds on the verification page
    with pytest.raises(ApplicationError):  # an appeal yields no card
        review.application_card_step(application_id=appeal.pk, event=EventKind.ORDER_CARD, actor=agent)

    client.force_login(refused.person.user)
    page = client.get(reverse("portal:application", args=[appeal.reference]), HTTP_ACCEPT_LANGUAGE="en")
    assert f"application {refused.reference} is examined again" in page.content.decode()


def test_a_refused_appeal_leaves_the_refusal_as_it_was(refused):
    appealed(refused, decide="refuse")
    refused.refresh_from_db()
    assert refused.state == State.REFUSED
    assert not refused.events.filter(kind=EventKind.REOPEN_ON_APPEAL).exists()


def test_an_appeal_after_its_deadline_or_on_a_file_not_refused_is_refused_with_a_reason(client, refused):
    with rewriting_history(ApplicationEvent):
        ApplicationEvent.objects.filter(application=refused, kind=EventKind.REFUSE).update(
            payload={"ground": "other", "appeal_deadline": (timezone.localdate() - timedelta(days=1)).isoformat()}
        )
    client.force_login(refused.person.user)
    response = client.post(reverse("portal:appeal", args=[refused.reference]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The time to appeal to the prefect ended on" in page
    assert not Application.objects.filter(appeal_of=refused).exists()

    waiting = submitted(make_applicant(postcode="69003"))
    with pytest.raises(ApplicationError):
        services.application_create_appeal(refused_id=waiting.pk, actor=waiting.person.user)


def test_nobody_else_appeals_someone_elses_refusal(client, refused):
    client.force_login(make_applicant().user)
    assert client.post(reverse("portal:appeal", args=[refused.reference])).status_code == 404
    client.force_login(make_staff(prefecture_code="pref-69"))
    assert client.post(reverse("portal:appeal", args=[refused.reference])).status_code == 404
    assert not Application.objects.filter(appeal_of=refused).exists()


def test_a_file_refused_again_after_a_granted_appeal_can_be_appealed_again(client, refused):
    first = appealed(refused, decide="accept")
    agent = make_staff(prefecture_code="pref-69")
    review.application_refuse(application_id=refused.pk, actor=agent, ground="other", text="Toujours incomplet.")
    client.force_login(refused.person.user)
    page = client.get(reverse("portal:application", args=[refused.reference])).content.decode()
    assert reverse("portal:appeal", args=[refused.reference]) in page
    second = services.application_create_appeal(refused_id=refused.pk, actor=refused.person.user)
    assert second.pk != first.pk and second.state == State.DRAFT


def test_two_refusals_can_be_appealed_at_the_same_time(refused):
    agent = make_staff(prefecture_code="pref-69")
    other = submitted(refused.person, "naturalisation")
    review.application_start_review(application_id=other.pk, actor=agent)
    review.application_refuse(application_id=other.pk, actor=agent, ground="other", text="Conditions.")
    for decision in (refused, other):
        appealed(decision)
    assert Application.objects.filter(appeal_of__isnull=False, state=State.SUBMITTED).count() == 2


def test_a_rejected_appeal_points_to_the_court_not_to_another_appeal(client, refused):
    appeal = appealed(refused, decide="refuse")
    client.force_login(refused.person.user)
    page = client.get(reverse("portal:application", args=[appeal.reference])).content.decode()
    assert reverse("portal:appeal", args=[appeal.reference]) not in page
    assert "You can still go to the administrative court" in page
    with pytest.raises(ApplicationError):
        services.application_create_appeal(refused_id=appeal.pk, actor=refused.person.user)
