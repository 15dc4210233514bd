"""Issue 14: a person registered at the counter, known by post only, receives the API itself on
paper (inside the letter, in the print run), not a web link; and the same procedure yields the same
documents whether it was filed online or at the counter."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anef.accounts.constants import PermitType, Role
from anef.accounts.models import Person
from anef.applications.models import Application
from anef.certificates.models import IssuedDocument
from anef.certificates.sweeps import issue_due_apis
from anef.notifications.models import Notification
from anef.testing import (
    filled_at_the_counter,
    make_applicant,
    make_staff,
    run_queued_tasks,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _filed_at_the_counter(client, code: str, **profile) -> Application:
    """A counter agent registers the person (no email, no phone) and files `code` for them, through the pages."""
    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(counter)
    application = filled_at_the_counter(client, code, **profile)
    client.post(reverse("portal:review", args=[application.reference]))
    application.refresh_from_db()
    assert application.state == "submitted"
    return application


def test_a_person_registered_at_the_counter_receives_the_api_itself_on_paper(client):
    expiry = timezone.localdate() + timedelta(days=61)
    application = _filed_at_the_counter(
        client,
        "student-renewal",
        permit_type=PermitType.STUDENT,
        permit_number="6900012345",
        permit_expires_on=expiry.isoformat(),
    )
    person = application.person
    assert person.user is None and not person.email and not person.phone
    run_queued_tasks()

    issue_due_apis(today=expiry - timedelta(days=10))
    run_queued_tasks()

    api = IssuedDocument.objects.get(application=application, type="api")
    letter = Notification.objects.get(person=person, channel="letter", event__payload__document=api.number)
    assert "http" not in letter.body  # no link to a space the person does not have
    assert "Le document est joint à ce courrier" in letter.body  # the person's language: French
    pages = _text(letter.letter.open("rb").read())
    assert len(pages) >= 2, "the letter alone, without the document"
    assert any(api.number in page for page in pages[1:]), "the API is not inside the letter"

    # The print run the counter prints holds the document too.
    client.post(reverse("backoffice:letters"), {"prefecture": application.prefecture_id})
    run_queued_tasks()
    run = Notification.objects.get(pk=letter.pk).print_run
    response = client.get(reverse("backoffice:print_run_pdf", args=[run.number]))
    printed = _text(b"".join(response.streaming_content))
    assert any(api.number in page for page in printed[1:]), "the print run lacks the API"


@pytest.mark.parametrize("code", ["family-first", "student-renewal"])
def test_online_and_counter_filings_of_one_procedure_yield_the_same_documents(client, code):
    expiry = timezone.localdate() + timedelta(days=70)
    counter_file = _filed_at_the_counter(
        client,
        code,
        permit_type=PermitType.STUDENT,
        permit_number="6900012345",
        permit_expires_on=expiry.isoformat(),
    )
    online = submitted(make_applicant(permit_expires_in_days=70), code)

    def documents(application):
        return sorted(application.issued_documents.values_list("type", "rights"), key=str)

    assert documents(counter_file) == documents(online)
    assert Person.objects.get(pk=counter_file.person_id).user is None
