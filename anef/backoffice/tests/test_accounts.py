"""Deactivating staff and helpers: who may, and their open sessions end at once."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation

from anef.accounts.constants import Role
from anef.accounts.services import AccountError, account_deactivate
from anef.security.constants import SecurityEventKind
from anef.security.models import SecurityEvent
from anef.testing import make_helper, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)


@pytest.fixture
def agent():
    return make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _deactivate(client, account):
    return client.post(reverse("backoffice:account_deactivate", args=[account.pk]))


def test_a_deactivated_agent_is_signed_out_at_once_and_stays_out_after_reactivation(admin, agent):
    agent_client = _signed_in(agent)
    assert agent_client.get(reverse("backoffice:queue")).status_code == 200
    admin_client = _signed_in(admin)

    response = _deactivate(admin_client, agent)

    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.is_active
    # The session is gone from the store, not merely refused: reactivating does not bring it back.
    assert not Session.objects.filter(session_key=agent_client.session.session_key).exists()
    admin_client.post(reverse("backoffice:account_reactivate", args=[agent.pk]))
    agent.refresh_from_db()
    assert agent.is_active
    response = agent_client.get(reverse("backoffice:queue"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    kinds = list(SecurityEvent.objects.filter(user=agent, actor=admin).values_list("kind", flat=True))
    assert kinds == [SecurityEventKind.ACCOUNT_REACTIVATED, SecurityEventKind.ACCOUNT_DEACTIVATED]


@pytest.mark.parametrize(("prefecture", "allowed"), [("pref-69", True), ("pref-33", False)])
def test_a_supervisor_deactivates_the_agents_of_their_prefecture_only(agent, prefecture, allowed):
    supervisor_client = _signed_in(make_staff(role=Role.SUPERVISOR, prefecture_code=prefecture))
    agent_client = _signed_in(agent)

    response = _deactivate(supervisor_client, agent)

    agent.refresh_from_db()
    assert agent.is_active is not allowed
    assert response.status_code == (302 if allowed else 404)
    assert (agent_client.get(reverse("backoffice:queue")).status_code == 200) is not allowed
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.OUT_OF_SCOPE).exists() is not allowed


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_a_supervisor_cannot_deactivate_a_supervisor_or_an_administrator(role):
    supervisor = make_staff(role=Role.SUPERVISOR, prefecture_code="pref-69")
    other = make_staff(role=role, prefecture_code="pref-69")

    assert _deactivate(_signed_in(supervisor), other).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    with pytest.raises(AccountError):
        account_deactivate(user_id=other.pk, actor=supervisor)


def test_an_administrator_cannot_deactivate_themselves(admin):
    client = _signed_in(admin)

    assert client.get(reverse("backoffice:account_deactivate", args=[admin.pk])).status_code == 404
    assert _deactivate(client, admin).status_code == 404
    with translation.override("en"), pytest.raises(AccountError, match="your own account"):
        account_deactivate(user_id=admin.pk, actor=admin)
    admin.refresh_from_db()
    assert admin.is_active
    assert client.get(reverse("backoffice:accounts")).status_code == 200


def test_an_administrator_deactivates_another_administrator(admin):
    other = make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)
    other_client = _signed_in(other)

    assert _deactivate(_signed_in(admin), other).status_code == 302

    assert other_client.get(reverse("backoffice:queue")).status_code == 302


def test_case_agents_and_counter_agents_do_not_see_the_accounts_page(agent):
    for user in (agent, make_staff(role=Role.COUNTER_AGENT)):
        client = _signed_in(user)
        assert client.get(reverse("backoffice:accounts")).status_code == 404
        assert _deactivate(client, make_staff()).status_code == 404


def test_the_accounts_page_lists_whom_the_viewer_manages_and_the_deactivation_shows_on_the_audit_page(admin, agent):
    helper = make_helper()
    admin_client = _signed_in(admin)
    page = admin_client.get(reverse("backoffice:accounts"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert agent.email in page and helper.email in page and admin.email not in page
    supervisor_page = _signed_in(make_staff(role=Role.SUPERVISOR, prefecture_code="pref-33")).get(
        reverse("backoffice:accounts")
    )
    assert agent.email not in supervisor_page.content.decode()

    confirm = admin_client.get(reverse("backoffice:account_deactivate", args=[agent.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "signed out at once" in confirm.content.decode()
    _deactivate(admin_client, agent)

    audit = admin_client.get(
        reverse("backoffice:security_events"), {"kind": "account_deactivated"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert audit.status_code == 200
    text = audit.content.decode()
    assert "Account deactivated" in text and agent.email in text and admin.email in text


def test_a_deactivated_helper_is_signed_out_at_once(admin):
    helper = make_helper()
    helper_client = _signed_in(helper)
    key = helper_client.session.session_key

    response = _signed_in(admin).post(
        reverse("backoffice:structure_helper_deactivate", args=[helper.structure_id, helper.pk])
    )

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCOUNT_DEACTIVATED, user=helper, actor=admin).exists()


def test_the_accounts_page_reads_in_few_queries_whatever_the_number_of_accounts(admin, django_assert_max_num_queries):
    for number in range(12):
        make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33" if number % 2 else "pref-69")
        make_helper(structure_name=f"Structure {number}")
    client = _signed_in(admin)

    with django_assert_max_num_queries(10):
        page = client.get(reverse("backoffice:accounts"))

    assert page.content.decode().count("/desactiver/") == 24  # 12 agents and 12 helpers, never oneself
