"""Hardening seen from outside: headers on real pages, production settings, session timeouts."""

import importlib
import re
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from anef.core.sessions import LAST_SEEN, STARTED
from anef.testing import make_applicant, make_helper, make_staff

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


# --- Content-Security-Policy -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["public:home", "public:check_right", "account_login"])
def test_public_pages_carry_a_strict_content_security_policy(client, name):
    directives = _directives(client.get(reverse(name)))

    assert directives["default-src"] == ["'self'"]
    assert "'self'" in directives["script-src"] and "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


def test_a_signed_in_persons_pages_carry_it_too(client):
    person = make_applicant()
    client.force_login(person.user)
    assert _directives(client.get(reverse("portal:dashboard")))["default-src"] == ["'self'"]


def test_a_view_that_sets_its_own_policy_keeps_it():
    """User files are served with their own sandboxing policy: the site-wide one must not replace it."""
    from csp.middleware import CSPMiddleware

    def sandboxed_file(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    response = CSPMiddleware(sandboxed_file)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_no_template_of_ours_needs_inline_scripts_handlers_or_styles():
    """The policy forbids them: an inline script, an `onclick=` or a `style=` attribute added later
    would silently not work in browsers. Scripts go to static files (or carry the request's nonce)."""
    found = []
    for template in TEMPLATES.rglob("templates/**/*.html"):
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)", r"\son[a-z]+\s*=\s*[\"']", r"\sstyle\s*=\s*[\"']"):
            if re.search(pattern, text, re.IGNORECASE):
                found.append(f"{template.relative_to(TEMPLATES)}: {pattern}")
    assert found == []


# --- Production settings ------------------------------------------------------------------------


@pytest.fixture
def production_settings(monkeypatch):
    from anef.settings import base as base_settings

    monkeypatch.setenv("ANEF_SECRET_KEY", "a-production-secret-key-for-this-test-only-0123456789")
    # Production refuses to start without its own key for second-factor secrets (read by base.py).
    monkeypatch.setattr(base_settings, "ANEF_MFA_ENCRYPTION_KEYS", ["YjNvZ3N2c2x0d3J4eHl6MDEyMzQ1Njc4OWFiY2RlZmc="])
    monkeypatch.setattr(base_settings, "ANEF_CACHE_URL", "redis://127.0.0.1:6379/15")  # production requires Redis
    # and an SMS provider named (file and memory backends are refused).
    monkeypatch.setattr(base_settings, "ANEF_SMS_BACKEND", "anef.notifications.sms.HttpSmsBackend")
    monkeypatch.setattr(base_settings, "ANEF_SMS_HTTP_URL", "https://sms.example/v1/messages")
    sys.modules.pop("anef.settings.production", None)
    module = importlib.import_module("anef.settings.production")
    yield module
    sys.modules.pop("anef.settings.production", None)


def test_production_sends_hsts_for_subdomains_with_preload(production_settings):
    assert production_settings.SECURE_HSTS_SECONDS >= 31536000
    assert production_settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production_settings.SECURE_HSTS_PRELOAD is True


def test_production_cookies_are_host_only_secure_and_lax(client, settings, production_settings):
    for name in (
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_PATH",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
    ):
        setattr(settings, name, getattr(production_settings, name))
    make_applicant(email="cookie@example.org")

    page = client.get(reverse("account_login"))
    signed_in = client.post(
        reverse("account_login"), {"login": "cookie@example.org", "password": "correct-horse-battery-staple"}
    )

    csrf = page.cookies["__Host-csrftoken"]
    session = signed_in.cookies["__Host-sessionid"]
    for cookie in (csrf, session):
        # What browsers require of a `__Host-` cookie: Secure, Path=/, no Domain.
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""
        assert cookie["samesite"] == "Lax"
    assert session["httponly"] is True


def test_sessions_no_longer_last_two_weeks(settings):
    assert settings.SESSION_COOKIE_AGE <= 24 * 3600


# --- Cache-Control ----------------------------------------------------------------------------


def _no_store(response) -> bool:
    directives = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


def test_personal_pages_and_downloads_are_never_stored(client):
    person = make_applicant()
    client.force_login(person.user)

    for url in (reverse("portal:dashboard"), reverse("portal:profile"), reverse("portal:data_export")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))
    # Even what a view made public is private for a signed-in person.
    assert _no_store(client.get(reverse("public:keys")))
    assert _no_store(client.get(reverse("public:home")))


def test_staff_pages_are_never_stored(client):
    agent = make_staff()
    client.force_login(agent)
    response = client.get(reverse("backoffice:queue"))
    assert response.status_code == 200 and _no_store(response)


def test_public_pages_stay_cacheable_for_anonymous_visitors_but_a_checks_result_does_not(client):
    assert not _no_store(client.get(reverse("public:home")))
    assert "public" in client.get(reverse("public:keys"))["Cache-Control"]
    result = client.post(reverse("public:check_right"), {"code": "ACDE-FGHJ-KM", "birth_date": "1990-01-01"})
    assert _no_store(result)


# --- Session timeouts ----------------------------------------------------------------------------


def _age_session(client, *, idle_minutes: float = 0, started_hours_ago: float = 0) -> None:
    now = timezone.now().timestamp()
    session = client.session
    session[LAST_SEEN] = now - idle_minutes * 60
    session[STARTED] = now - max(started_hours_ago * 3600, idle_minutes * 60)
    session.save()


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_an_idle_agent_is_signed_out_after_30_minutes_and_told_why(client):
    agent = make_staff()
    _signed_in(client, agent)
    _age_session(client, idle_minutes=29)
    assert client.get(reverse("backoffice:queue")).status_code == 200

    _age_session(client, idle_minutes=31)
    response = client.get(reverse("backoffice:queue"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=" + reverse("backoffice:queue").replace("/", "%2F")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your session ended after 30 minutes without activity" in page
    assert client.get(reverse("backoffice:queue")).status_code == 302  # signed out for good


def test_the_message_is_in_french_for_a_french_reader(client):
    helper = make_helper()
    _signed_in(client, helper)
    _age_session(client, idle_minutes=45)
    response = client.get(reverse("helperspace:dashboard"), HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert "Votre session a pris fin après 30 minutes sans activité" in response.content.decode()


def test_an_agent_always_working_is_signed_out_after_10_hours(client):
    agent = make_staff()
    _signed_in(client, agent)
    _age_session(client, idle_minutes=1, started_hours_ago=9.9)
    assert client.get(reverse("backoffice:queue")).status_code == 200

    _age_session(client, idle_minutes=1, started_hours_ago=10.1)
    page = client.get(reverse("backoffice:queue"), HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "a session lasts at most 10 hours" in page
    assert client.get(reverse("backoffice:queue")).status_code == 302


def test_an_applicant_has_two_hours_of_inactivity_and_a_day_at_most(client):
    person = make_applicant(language="en")
    _signed_in(client, person.user)
    _age_session(client, idle_minutes=100, started_hours_ago=23)
    assert client.get(reverse("portal:dashboard")).status_code == 200

    _age_session(client, idle_minutes=121)
    page = client.get(reverse("portal:dashboard"), follow=True).content.decode()
    assert "Your session ended after 120 minutes without activity" in page

    _signed_in(client, person.user)
    _age_session(client, idle_minutes=1, started_hours_ago=25)
    assert "a session lasts at most 24 hours" in client.get(reverse("portal:dashboard"), follow=True).content.decode()


def test_an_expired_session_reaches_the_api_as_nobody(client):
    person = make_applicant()
    _signed_in(client, person.user)
    assert client.get(reverse("api:application-list")).status_code == 200
    _age_session(client, idle_minutes=121)
    assert client.get(reverse("api:application-list")).status_code in (401, 403)
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_activity_keeps_the_session_alive(client):
    person = make_applicant()
    _signed_in(client, person.user)
    _age_session(client, idle_minutes=110)
    assert client.get(reverse("portal:dashboard")).status_code == 200  # refreshes the last activity
    assert timezone.now().timestamp() - client.session[LAST_SEEN] < 60


def test_signing_in_again_restarts_the_clocks(client):
    agent = make_staff()
    _signed_in(client, agent)
    _age_session(client, idle_minutes=1, started_hours_ago=11)
    client.force_login(agent)
    assert client.get(reverse("backoffice:queue")).status_code == 200


def test_the_limits_come_from_the_settings(client, settings):
    settings.ANEF_SESSION_IDLE_MINUTES_STAFF = 5
    agent = make_staff()
    _signed_in(client, agent)
    _age_session(client, idle_minutes=6)
    page = client.get(reverse("backoffice:queue"), HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "Your session ended after 5 minutes without activity" in page
