"""Two people type the same recovery code at the same moment: exactly one gets the account
(PostgreSQL: the code row is locked, and its use is a conditional update)."""

import pytest
from django.test import Client
from django.urls import reverse

from anef.accounts.constants import IdentityDocument, Role
from anef.accounts.models import RecoveryCode, User
from anef.accounts.recovery import format_paper_code, recovery_code_issue
from anef.security.constants import SecurityEventKind
from anef.security.models import SecurityEvent
from anef.testing import make_applicant, make_staff, race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

NEW_PASSWORD = "Sunflower-Harbour-2026"


def test_two_simultaneous_uses_of_one_code_let_exactly_one_through():
    person = make_applicant(email="awa@example.org", postcode="69003")
    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    _row, code = recovery_code_issue(
        person_id=person.pk, actor=counter, document=IdentityDocument.PASSPORT, document_number="19AB12345"
    )
    statuses = []

    def use(email, address):
        def call():
            response = Client().post(
                reverse("portal:recovery_paper"),
                {
                    "code": format_paper_code(code),
                    "birth_date": "1995-05-17",
                    "new_email": email,
                    "password1": NEW_PASSWORD,
                    "password2": NEW_PASSWORD,
                },
                REMOTE_ADDR=address,
            )
            statuses.append(response.status_code)

        return call

    outcomes = race([use("first@example.org", "203.0.113.1"), use("second@example.org", "203.0.113.2")])

    assert outcomes == ["ok", "ok"]
    assert sorted(statuses) == [302, 400]
    assert User.objects.get(pk=person.user_id).email in {"first@example.org", "second@example.org"}
    assert RecoveryCode.objects.get().used_at is not None
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCOUNT_RECOVERED).count() == 1
