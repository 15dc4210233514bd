"""Administrators deactivating the same account at the same moment: one change, one event."""

import pytest

from anef.accounts.constants import Role
from anef.accounts.services import account_deactivate
from anef.security.constants import SecurityEventKind
from anef.security.models import SecurityEvent
from anef.testing import make_staff, race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_simultaneous_deactivations_of_one_account_leave_one_event():
    agent = make_staff(role=Role.CASE_AGENT)
    admins = [make_staff(role=Role.ADMINISTRATOR, prefecture_code=None) for _ in range(6)]

    outcomes = race([lambda admin=admin: account_deactivate(user_id=agent.pk, actor=admin) for admin in admins])

    assert outcomes == ["ok"] * 6
    agent.refresh_from_db()
    assert not agent.is_active
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCOUNT_DEACTIVATED, user=agent).count() == 1
