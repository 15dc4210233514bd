"""A document the prefecture asks for outside the procedure's list has its own slot, on the file's
page in the request and on the documents page; the agent sees and checks it like any other; the
badge of every document sent follows the agent's verdict (received, checked, refused)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.applications import review
from anef.applications.constants import DocumentVerdict
from anef.documents.services import document_verdict_set
from anef.testing import make_applicant, make_staff, pdf_upload, submitted

pytestmark = pytest.mark.django_db

OUTSIDE_THE_LIST = "Attestation d'hébergement de votre logeur"


@pytest.fixture
def requested(client):
    """A file under review whose agent asked for a listed document and one outside the list."""
    person = make_applicant(postcode="69002")
    application = submitted(person)
    agent = make_staff(prefecture_code="pref-69")
    review.application_start_review(application_id=application.pk, actor=agent)
    review.application_request_information(
        application_id=application.pk,
        actor=agent,
        items=["Passeport", OUTSIDE_THE_LIST],
        message="Merci de compléter votre dossier.",
        deadline=timezone.localdate() + timedelta(days=20),
    )
    client.force_login(person.user)
    return application, agent


def _slot_code(application):
    request = application.information_requests.get()
    return f"request-{request.pk}-2"


def test_a_document_asked_for_outside_the_list_has_its_own_slot_in_the_request(client, requested):
    application, _agent = requested

    body = client.get(reverse("portal:application", args=[application.reference])).content.decode()

    code = _slot_code(application)
    request_box = body[body.index('id="request"') :]
    assert f'id="slot-{code}"' in request_box
    assert OUTSIDE_THE_LIST.replace("'", "&#x27;") in request_box
    assert f'name="requirement" value="{code}"' in request_box
    # The listed passport is not repeated as a slot of its own.
    assert "slot-request-" not in request_box.replace(f"slot-{code}", "")


def test_the_document_sent_in_its_slot_reaches_the_file_and_the_agent_checks_it(client, requested):
    application, agent = requested
    code = _slot_code(application)

    response = client.post(
        reverse("portal:documents", args=[application.reference]),
        {
            "requirement": code,
            "back": "request",
            "reason": "In answer to the prefecture's request",
            "file": pdf_upload("hebergement.pdf"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:application", args=[application.reference]) + "#request"
    document = application.uploaded_documents.get(requirement_code=code)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert "hebergement.pdf" in page
    assert "Reçu, pas encore vérifié" in page or "Received, not checked yet" in page
    client.force_login(agent)
    case = client.get(reverse("backoffice:case", args=[application.reference])).content.decode()
    assert "hebergement.pdf" in case
    document_verdict_set(document_id=document.pk, actor=agent, verdict=DocumentVerdict.ACCEPTED)


def test_the_documents_page_has_the_slot_too(client, requested):
    application, _agent = requested

    body = client.get(reverse("portal:documents", args=[application.reference])).content.decode()

    assert f'id="doc-{_slot_code(application)}"' in body


def test_a_refused_document_shows_a_red_refused_badge_with_the_reason_never_received(client, requested):
    application, agent = requested
    client.post(
        reverse("portal:documents", args=[application.reference]),
        {"requirement": "passport", "reason": "New scan", "file": pdf_upload("passport.pdf")},
    )
    document = application.uploaded_documents.get(requirement_code="passport", superseded_at__isnull=True)
    document_verdict_set(
        document_id=document.pk, actor=agent, verdict=DocumentVerdict.REJECTED, reason="Page des visas illisible"
    )

    documents = client.get(reverse("portal:documents", args=[application.reference])).content.decode()
    file_page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    passport_documents = documents[documents.index('id="doc-passport"') : documents.index('id="id_passport_file"')]
    passport_file_page = file_page[file_page.index("passport.pdf") : file_page.index("passport.pdf") + 900]

    for section in (passport_documents, passport_file_page):
        assert "fr-badge--error" in section
        assert "Refusé" in section
        assert "Page des visas illisible" in section
        assert "fr-badge--success" not in section
        assert "Reçu" not in section


def test_the_badge_follows_the_verdict(client, requested):
    application, agent = requested
    client.post(
        reverse("portal:documents", args=[application.reference]),
        {"requirement": "passport", "reason": "New scan", "file": pdf_upload("passport.pdf")},
    )
    document = application.uploaded_documents.get(requirement_code="passport", superseded_at__isnull=True)
    url = reverse("portal:documents", args=[application.reference])

    def badge():
        body = client.get(url).content.decode()
        section = body[body.index('id="doc-passport"') : body.index("passport.pdf")]
        return section[section.index("fr-badge ") :].split("</span>")[0]

    assert "fr-badge--info" in badge() and "Reçu, pas encore vérifié" in badge()
    document_verdict_set(document_id=document.pk, actor=agent, verdict=DocumentVerdict.ACCEPTED)
    assert "fr-badge--success" in badge() and "Vérifié" in badge()
