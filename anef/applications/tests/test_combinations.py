"""Services behind the combinations of a person's files (the pages are tested in
portal/tests/test_combinations.py; the matrix is docs/combinations.md)."""

import pytest
from django.utils import timezone

from anef.applications import review, services
from anef.applications.workflow import EventKind
from anef.certificates.constants import DocumentStatus, DocumentType
from anef.certificates.sweeps import issue_due_apis
from anef.testing import make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db


def test_a_restored_renewal_gets_its_provisional_attestation_again_from_the_next_sweep():
    person = make_applicant(permit_expires_in_days=61)
    renewal = submitted(person)
    agent = make_staff()
    review.application_start_review(application_id=renewal.pk, actor=agent)
    issue_due_apis(today=person.permit_expires_on)
    services.application_withdraw(application_id=renewal.pk, actor=person.user)

    review.application_restore_withdrawal(application_id=renewal.pk, actor=agent, reason="Withdrawn by mistake.")
    issued = issue_due_apis(today=person.permit_expires_on)

    apis = renewal.issued_documents.filter(type=DocumentType.API)
    assert issued == 1
    assert apis.filter(status=DocumentStatus.VALID).count() == 1
    assert apis.filter(status=DocumentStatus.REVOKED).count() == 1


def test_a_declaration_with_no_other_open_file_joins_nothing():
    declaration = submitted(make_applicant(), "change-of-situation")

    assert not declaration.events.filter(kind=EventKind.DECLARATION_JOINED).exists()


def test_a_declaration_is_joined_once_even_when_corrected_and_filed_again():
    person = make_applicant(permit_expires_in_days=61)
    renewal = submitted(person)
    declaration = submitted(person, "change-of-situation")
    services.application_reopen(application_id=declaration.pk, actor=person.user)

    services.application_submit(application_id=declaration.pk, actor=person.user)

    assert renewal.events.filter(kind=EventKind.DECLARATION_JOINED).count() == 1
    assert timezone.localdate(declaration.filed_at) == timezone.localdate()
