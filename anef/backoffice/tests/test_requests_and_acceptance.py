"""An agent asks for documents from the procedure's list (plus others in their own words), and
accepts a file whose documents are not all accepted only after confirming it: through the pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.applications import review
from anef.applications.models import InformationRequest
from anef.applications.selectors import unchecked_documents
from anef.applications.workflow import EventKind, State
from anef.testing import make_applicant, make_staff, run_queued_tasks, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69")


@pytest.fixture
def in_review(agent):
    application = submitted(make_applicant(postcode="69003", language="en"))
    review.application_start_review(application_id=application.pk, actor=agent)
    application.refresh_from_db()
    return application


def act(client, application, action, data=None, language="en"):
    return client.post(
        reverse("backoffice:act", args=[application.reference, action]), data or {}, HTTP_ACCEPT_LANGUAGE=language
    )


def case_page(client, application, language="en") -> str:
    return client.get(
        reverse("backoffice:case", args=[application.reference]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()


def seen(application) -> str:
    return ",".join(str(document.pk) for document in unchecked_documents(application))


def accept_verdicts(application, agent, *, except_code=None):
    from anef.documents.services import document_verdict_set

    for document in unchecked_documents(application):
        if document.requirement_code != except_code:
            document_verdict_set(document_id=document.pk, actor=agent, verdict="accepted", reason="")


# Accepting while documents are not accepted


@pytest.mark.parametrize(
    ("language", "listed", "error"),
    [
        ("en", "Passport", "tick the box to accept the application anyway"),
        ("fr", "Passeport", "cochez la case pour accepter la demande malgré tout"),
    ],
)
def test_accepting_with_documents_not_checked_lists_them_and_changes_nothing_without_the_confirmation(
    client, agent, in_review, language, listed, error
):
    client.force_login(agent)
    page = case_page(client, in_review, language)
    assert 'name="confirm_unchecked"' in page
    accept_form = page[page.index("/accept/") :]
    assert listed in accept_form[: accept_form.index("</form>")]

    response = act(client, in_review, "accept", {"comment": "Fine", "seen": seen(in_review)}, language)

    assert response.status_code == 400
    assert error in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW
    assert not in_review.events.filter(kind=EventKind.ACCEPT).exists()


def test_accepting_with_the_confirmation_records_which_documents_were_not_accepted(client, agent, in_review):
    accept_verdicts(in_review, agent, except_code="passport")
    client.force_login(agent)

    act(client, in_review, "accept", {"comment": "", "confirm_unchecked": "on", "seen": seen(in_review)})

    in_review.refresh_from_db()
    assert in_review.state == State.ACCEPTED
    assert in_review.events.get(kind=EventKind.ACCEPT).payload["unchecked_documents"] == ["passport"]
    history = case_page(client, in_review)
    assert "Accepted while these documents were not accepted: Passport" in history


def test_a_rejected_document_also_asks_for_the_confirmation(client, agent, in_review):
    from anef.documents.services import document_verdict_set

    accept_verdicts(in_review, agent)
    passport = in_review.uploaded_documents.get(requirement_code="passport", superseded_at__isnull=True)
    document_verdict_set(document_id=passport.pk, actor=agent, verdict="rejected", reason="Blurred")
    client.force_login(agent)

    page = case_page(client, in_review)
    assert "Rejected" in page[page.index("/accept/") :]
    assert act(client, in_review, "accept", {"seen": seen(in_review)}).status_code == 400
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW


def test_a_file_whose_documents_are_all_accepted_is_accepted_without_a_confirmation(client, agent, in_review):
    accept_verdicts(in_review, agent)
    client.force_login(agent)
    assert 'name="confirm_unchecked"' not in case_page(client, in_review)

    act(client, in_review, "accept", {"comment": "All checked"})

    in_review.refresh_from_db()
    assert in_review.state == State.ACCEPTED
    assert "unchecked_documents" not in in_review.events.get(kind=EventKind.ACCEPT).payload


def test_a_confirmation_given_before_a_new_document_arrived_is_asked_again(client, agent, in_review):
    accept_verdicts(in_review, agent, except_code="passport")
    before = seen(in_review)
    accept_verdicts(in_review, agent)
    from anef.documents.services import document_verdict_set

    enrolment = in_review.uploaded_documents.get(requirement_code="enrolment_certificate", superseded_at__isnull=True)
    document_verdict_set(document_id=enrolment.pk, actor=agent, verdict="rejected", reason="Last year's")
    client.force_login(agent)

    response = act(client, in_review, "accept", {"confirm_unchecked": "on", "seen": before})

    assert response.status_code == 400
    assert "read the list again and confirm" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW


# A request for documents: a pick from the procedure's list, plus the agent's own words


def test_the_request_form_offers_the_procedures_documents_in_the_agents_language(client, agent, in_review):
    client.force_login(agent)
    english = case_page(client, in_review, "en")
    french = case_page(client, in_review, "fr")

    assert 'type="checkbox" id="id_documents_0" name="documents" value="passport"' in english
    assert "Proof of address less than 3 months old" in english
    assert "Justificatif de domicile de moins de 3 mois" in french
    assert 'name="other"' in english


def test_a_request_stores_the_documents_picked_and_the_agents_words_and_each_reader_reads_them(
    client, agent, in_review
):
    client.force_login(agent)
    deadline = timezone.localdate() + timedelta(days=20)
    response = act(
        client,
        in_review,
        "request_information",
        {
            "documents": ["proof_of_address", "passport"],
            "other": "Attestation de l'employeur signée\n\n",
            "message": "Merci.",
            "deadline": deadline.isoformat(),
        },
    )
    assert response.status_code == 302

    request = InformationRequest.objects.get(application=in_review)
    # The catalogue's order, then the agent's words.
    assert request.items == [
        {"code": "passport"},
        {"code": "proof_of_address"},
        {"text": "Attestation de l'employeur signée"},
    ]
    assert [item.key for item in request.requested_items] == ["passport", "proof_of_address", "other-1"]
    assert request.deadline == deadline

    # The applicant reads English: the catalogue's documents in English, the agent's words as written.
    client.force_login(in_review.person.user)
    page = client.get(reverse("portal:application", args=[in_review.reference])).content.decode()
    request_box = page[page.index('id="request"') :]
    assert "<li>Passport</li>" in request_box
    assert "<li>Proof of address less than 3 months old</li>" in request_box
    assert '<span lang="fr">Attestation de l&#x27;employeur signée</span>' in request_box
    assert "(in the agent's words)" in request_box

    # The agent reading French sees the French labels in the request and in the history.
    client.force_login(agent)
    french = case_page(client, in_review, "fr")
    assert french.count("<li>Justificatif de domicile de moins de 3 mois</li>") == 2  # the request, the history
    assert "(formulé par l’agent)" in french

    # The email tells the person in English.
    run_queued_tasks()
    body = next(m.body for m in mail.outbox if in_review.person.email in m.to and "Passport" in m.body)
    assert "- Proof of address less than 3 months old" in body
    assert "- Attestation de l'employeur signée (in the agent's words)" in body


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("en", "Tick at least one document of the list, or write what is missing in your own words."),
        ("fr", "Cochez au moins un document de la liste, ou écrivez ce qui manque avec vos mots."),
    ],
)
def test_a_request_that_asks_for_nothing_is_refused_with_a_translated_error(client, agent, in_review, language, error):
    client.force_login(agent)
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()

    response = act(
        client,
        in_review,
        "request_information",
        {"other": "  \n ", "message": "Merci.", "deadline": deadline},
        language,
    )

    assert response.status_code == 400
    assert error in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW


def test_a_document_the_procedure_does_not_list_cannot_be_picked(client, agent, in_review):
    client.force_login(agent)
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()

    response = act(
        client,
        in_review,
        "request_information",
        {"documents": ["birth_certificate"], "message": "M", "deadline": deadline},
    )

    assert response.status_code == 400
    assert not InformationRequest.objects.filter(application=in_review).exists()


def test_a_request_written_before_the_list_existed_still_reads_as_the_agents_words(client, agent, in_review):
    review.application_request_information(
        application_id=in_review.pk,
        actor=agent,
        items=["Passport"],
        message="Please",
        deadline=timezone.localdate() + timedelta(days=20),
    )
    # As stored by earlier versions: plain strings, in the request and in the history.
    request = InformationRequest.objects.get(application=in_review)
    InformationRequest.objects.filter(pk=request.pk).update(items=["Copie lisible du passeport", "Bail"])

    client.force_login(agent)
    page = case_page(client, in_review)
    assert '<span lang="fr">Copie lisible du passeport</span>' in page
    assert [item.key for item in InformationRequest.objects.get(pk=request.pk).requested_items] == [
        "other-1",
        "other-2",
    ]
    client.force_login(in_review.person.user)
    detail = client.get(reverse("portal:application", args=[in_review.reference])).content.decode()
    assert "Copie lisible du passeport" in detail and "Bail" in detail
