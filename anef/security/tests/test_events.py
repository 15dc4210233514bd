"""Each security-relevant moment leaves exactly one event, with the right kind and account."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from anef.accounts.constants import Role
from anef.security.constants import SecurityEventKind as Kind
from anef.security.models import SecurityEvent
from anef.security.services import security_event_record
from anef.testing import PASSWORD, make_applicant, make_staff, totp_now

pytestmark = pytest.mark.django_db


def _events(kind):
    return list(SecurityEvent.objects.filter(kind=kind))


def test_a_failed_sign_in_leaves_one_event_with_the_address_tried(client):
    make_applicant(email="target@example.org")

    response = client.post(
        reverse("account_login"),
        {"login": "Target@example.org", "password": "wrong"},
        HTTP_USER_AGENT="Guessing bot",
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 200
    [event] = _events(Kind.SIGN_IN_FAILED)
    assert event.email == "target@example.org"
    assert event.user is None
    assert (event.ip, event.user_agent, event.path) == ("203.0.113.7", "Guessing bot", reverse("account_login"))
    assert not _events(Kind.SIGN_IN)


def test_a_successful_sign_in_leaves_one_event_for_the_account(client):
    person = make_applicant(email="someone@example.org")

    response = client.post(reverse("account_login"), {"login": "someone@example.org", "password": PASSWORD})

    assert response.status_code == 302
    [event] = _events(Kind.SIGN_IN)
    assert (event.user, event.email) == (person.user, "someone@example.org")
    assert not _events(Kind.SIGN_IN_FAILED)


def test_a_wrong_second_factor_code_leaves_one_event_and_the_sign_in_only_after_the_right_one(client):
    agent = make_staff()
    step = client.post(reverse("account_login"), {"login": agent.email, "password": PASSWORD})["Location"]
    right = totp_now(agent.totp_secret)
    wrong = "000000" if right != "000000" else "111111"

    assert client.post(step, {"code": wrong}).status_code == 200

    [event] = _events(Kind.SECOND_FACTOR_FAILED)
    assert event.user == agent and event.details == {"method": "totp"}
    assert not _events(Kind.SIGN_IN)
    assert client.post(step, {"code": right}).status_code == 302
    assert [e.user for e in _events(Kind.SIGN_IN)] == [agent]


def test_a_403_leaves_one_event_for_the_signed_in_account():
    person = make_applicant()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person.user)

    response = client.post(reverse("account_logout"))  # no CSRF token: refused

    assert response.status_code == 403
    [event] = _events(Kind.ACCESS_DENIED)
    assert event.user == person.user
    assert event.details == {"method": "POST"}


def test_a_403_of_the_api_to_an_anonymous_client_is_recorded_without_an_account(client):
    response = client.get("/api/v1/applications/")

    assert response.status_code == 403
    [event] = _events(Kind.ACCESS_DENIED)
    assert event.user is None and event.path == "/api/v1/applications/"


def test_a_429_leaves_one_event(client):
    for _ in range(10):
        assert client.post(reverse("public:check_right"), {}).status_code == 200
    assert not _events(Kind.RATE_LIMITED)

    assert client.post(reverse("public:check_right"), {}).status_code == 429

    [event] = _events(Kind.RATE_LIMITED)
    assert event.path == reverse("public:check_right")


def test_sign_ins_refused_for_too_many_failures_are_recorded_as_rate_limited(client, settings):
    make_applicant(email="target@example.org")
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/key"}
    for _ in range(2):
        client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong"})
    assert len(_events(Kind.SIGN_IN_FAILED)) == 2

    client.post(reverse("account_login"), {"login": "target@example.org", "password": PASSWORD})

    [event] = _events(Kind.RATE_LIMITED)
    assert event.email == "target@example.org" and event.details == {"limit": "login_failed"}
    assert not _events(Kind.SIGN_IN)


def test_staff_without_a_second_factor_refused_by_the_middleware_leave_an_event(client):
    agent = make_staff(role=Role.CASE_AGENT, mfa=False)
    client.force_login(agent)

    assert client.get(reverse("backoffice:queue"))["Location"] == reverse("mfa_activate_totp")

    [event] = _events(Kind.SECOND_FACTOR_MISSING)
    assert event.user == agent


def test_setting_up_the_second_factor_is_recorded(client, django_capture_on_commit_callbacks):
    agent = make_staff(mfa=False)
    client.force_login(agent)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]

    with django_capture_on_commit_callbacks(execute=True):  # allauth signals it once committed
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})

    assert response.status_code == 302
    events = _events(Kind.SECOND_FACTOR_ADDED)  # the app, and the recovery codes made with it
    assert sorted((e.user, e.details["method"]) for e in events) == [(agent, "recovery_codes"), (agent, "totp")]


def test_a_failed_write_never_breaks_the_request_and_is_logged(client, monkeypatch, caplog):
    person = make_applicant(email="someone@example.org")

    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(SecurityEvent, "save", broken)
    with caplog.at_level(logging.ERROR, logger="anef.security.services"):
        response = client.post(reverse("account_login"), {"login": "someone@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert "could not be recorded" in caplog.text and "database unavailable" in caplog.text
    monkeypatch.undo()
    assert person.user.pk and not SecurityEvent.objects.exists()


def test_security_events_are_append_only():
    event = security_event_record(kind=Kind.MANDATE_GRANTED, email="a@example.org", mandate=3)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert SecurityEvent.objects.get().details == {"mandate": 3}


def test_the_retention_sweep_deletes_security_events_on_the_day_their_period_ends(settings):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from anef.retention.sweeps import apply_retention

    settings.ANEF_RETENTION_DAYS = {**settings.ANEF_RETENTION_DAYS, "security_events": 365}
    old, recent = (security_event_record(kind=Kind.SIGN_IN, email="a@example.org") for _ in range(2))
    for event, age in ((old, 365), (recent, 364)):
        noon = datetime.combine(timezone.localdate() - timedelta(days=age), time(12))
        SecurityEvent.objects.filter(pk=event.pk).update(created_at=timezone.make_aware(noon))

    assert apply_retention()["security_events_deleted"] == 1

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_an_agent_asking_for_a_file_of_another_prefecture_is_recorded_a_mistyped_number_is_not(client):
    from anef.testing import submitted

    application = submitted(make_applicant(postcode="69003"))
    agent = make_staff(role=Role.CASE_AGENT, prefecture_code="pref-33")
    client.force_login(agent)

    assert client.get(reverse("backoffice:case", args=[application.reference])).status_code == 404
    assert client.get(reverse("backoffice:case", args=["NO-SUCH-FILE"])).status_code == 404

    [event] = _events(Kind.OUT_OF_SCOPE)
    assert event.user == agent and event.details == {"application": application.reference}


def test_a_helper_without_a_mandate_asking_for_a_file_is_recorded(client):
    from anef.testing import make_helper, submitted

    application = submitted(make_applicant())
    helper = make_helper()
    client.force_login(helper)

    assert client.get(reverse("portal:application", args=[application.reference])).status_code == 404

    [event] = _events(Kind.OUT_OF_SCOPE)
    assert event.user == helper and event.details == {"application": application.reference}
