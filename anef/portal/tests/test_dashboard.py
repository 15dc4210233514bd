"""The dashboard puts first the files that wait for the person, each with what to do as a button;
the file's page links the documents it produced, for whoever may read the file and nobody else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.applications import review
from anef.applications.models import Application
from anef.testing import make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client):
    person = make_applicant(postcode="69002", permit_expires_in_days=90)
    client.force_login(person.user)
    return person


def test_an_older_file_waiting_for_the_person_comes_above_a_newer_one_with_its_action_as_a_button(client, applicant):
    older = submitted(applicant, "student-renewal")
    agent = make_staff(prefecture_code="pref-69")
    review.application_start_review(application_id=older.pk, actor=agent)
    review.application_request_information(
        application_id=older.pk,
        actor=agent,
        items=["Passeport"],
        message="Merci",
        deadline=timezone.localdate() + timedelta(days=20),
    )
    newer = submitted(applicant, "change-of-address")
    Application.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=30))
    Application.objects.filter(pk=newer.pk).update(updated_at=timezone.now())

    body = client.get(reverse("portal:dashboard")).content.decode()

    assert body.index(older.reference) < body.index(newer.reference)
    waiting = body[body.index('id="waiting-for-you"') : body.index(newer.reference)]
    answer_url = reverse("portal:application", args=[older.reference]) + "#request"
    assert f'class="fr-btn" href="{answer_url}"' in waiting
    assert "Répondre à la demande de la préfecture" in waiting


def test_a_file_with_nothing_to_do_has_no_button_and_comes_after(client, applicant):
    application = submitted(applicant)

    body = client.get(reverse("portal:dashboard")).content.decode()

    assert 'id="waiting-for-you"' not in body
    assert application.reference in body


def test_a_draft_waits_for_the_person_to_finish_it(client, applicant):
    from anef.testing import draft

    application = draft(applicant)

    body = client.get(reverse("portal:dashboard")).content.decode()

    waiting = body[body.index('id="waiting-for-you"') :]
    assert reverse("portal:eligibility", args=[application.reference]) in waiting


def test_the_file_page_links_the_filing_certificate_and_the_link_gives_the_pdf(client, applicant):
    application = submitted(applicant)
    certificate = application.issued_documents.get(type="attestation_depot")
    url = reverse("portal:application_issued_document", args=[application.reference, certificate.number])

    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    response = client.get(url)

    assert url in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:4] == b"%PDF"


def test_a_document_of_another_persons_file_is_not_found(client, applicant):
    mine = submitted(applicant)
    other = submitted(make_applicant(postcode="69003"))
    theirs = other.issued_documents.get(type="attestation_depot")

    # Their number through my file, and their file: the same 404.
    assert (
        client.get(reverse("portal:application_issued_document", args=[mine.reference, theirs.number])).status_code
        == 404
    )
    assert (
        client.get(reverse("portal:application_issued_document", args=[other.reference, theirs.number])).status_code
        == 404
    )
