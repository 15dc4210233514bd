"""Issue 14: the first version of a replaced document stays on the person's pages, marked as replaced
(a file they sent, and a document the prefecture issued)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anef.applications.kernel import lock_application
from anef.certificates.constants import DocumentType
from anef.certificates.services import document_issue
from anef.testing import draft, make_applicant, pdf_upload, submitted

pytestmark = pytest.mark.django_db


def test_a_file_the_person_replaced_stays_on_the_application_page_marked_replaced(client):
    person = make_applicant(language="en")
    application = draft(person)
    client.force_login(person.user)
    url = reverse("portal:documents", args=[application.reference])
    client.post(url, {"requirement": "passport", "file": pdf_upload("passport-first.pdf")})
    client.post(url, {"requirement": "passport", "file": pdf_upload("passport-second.pdf")})
    first = application.uploaded_documents.get(original_name="passport-first.pdf")
    assert first.superseded_at is not None

    for page in (
        reverse("portal:application", args=[application.reference]),
        reverse("portal:review", args=[application.reference]),
    ):
        body = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "passport-second.pdf" in body
        old = body.split("passport-first.pdf", 1)[1][:400]
        assert "Replaced" in old and "replaced on" in old, page
    # The first version can still be opened by the person.
    assert client.get(reverse("portal:document", args=[first.pk])).status_code == 200


def test_an_issued_document_that_was_replaced_stays_in_my_documents_marked_superseded(client):
    person = make_applicant(language="en")
    application = submitted(person, "student-renewal")
    today = timezone.localdate()
    with transaction.atomic():
        locked = lock_application(application.pk)
        first = document_issue(
            application=locked,
            type=DocumentType.RECEPISSE,
            valid_from=today,
            valid_until=today + timedelta(days=90),
            rights={"residence": True, "work": True},
            actor=None,
        )
        second = document_issue(
            application=locked,
            type=DocumentType.RECEPISSE,
            valid_from=today,
            valid_until=today + timedelta(days=180),
            rights={"residence": True, "work": True},
            actor=None,
        )
    client.force_login(person.user)

    page = client.get(reverse("portal:issued_documents"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    row = page.split(f"n° {first.number}", 1)[1].split("</tr>", 1)[0]
    assert "Superseded document: a newer one was issued" in row
    assert f"replaced by n° {second.number}" in row
    assert f"n° {second.number}" in page
