"""Shared test set-up: the territory and the catalogue are loaded once per test database."""

import os
import shutil

import pytest
from django.core.management import call_command

BROWSER = (
    os.environ.get("ANEF_BROWSER")
    or shutil.which("chromium")
    or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_territory", verbosity=0)
        call_command("load_catalogue", verbosity=0)
    yield
    # A thread of a race test or of the live server may still hold a PostgreSQL session on the test
    # database: end those sessions, so that the database can be dropped at the end of the run.
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the rate limits (per address, per minute) count what
    earlier tests of the same worker sent, so a walk that posts many forms made a later test hit
    "Too many requests" depending on the order and the minute."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request served in English by an earlier test of
    the same worker leaves English active in the thread (LocaleMiddleware does not reset it), and a
    later test reading a catalogue title got English where the page shows French."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests (and the live server) flush the database after each test: reload."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        call_command("load_territory", verbosity=0)
        call_command("load_catalogue", verbosity=0)


def pytest_configure(config):
    """ANEF_TEST_CLOCK=2026-12-03T23:33:00+00:00 runs the suite with the clock set there (and
    running): the way to find tests that hold only at some hours, such as just after midnight in
    Paris, when the UTC date is still yesterday. Each xdist worker sets it too."""
    moment = os.environ.get("ANEF_TEST_CLOCK")
    if moment:
        import time_machine

        config._anef_clock = time_machine.travel(moment, tick=True)
        config._anef_clock.start()


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    browser_items = [item for item in items if "browser" in item.keywords]
    if browser_items and BROWSER is None:
        if os.environ.get("CI") == "true":
            raise pytest.UsageError("CI: Chromium is required for the browser tests (apt-get install chromium).")
        skip = pytest.mark.skip(reason="Chromium not found at /usr/bin/chromium: browser test SKIPPED")
        for item in browser_items:
            item.add_marker(skip)
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL row locks: runs in the PostgreSQL pass")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    from django.db import connection

    terminalreporter.write_line(f"Database for this run: {connection.vendor}; browser: {BROWSER or 'none (skipped)'}")
    # Figures that tests keep for the reader (record_property), such as the weight of the first pages.
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", []):
            if name == "page weight":
                terminalreporter.write_line(f"Page weight: {value}")


@pytest.fixture
def browser_context(live_server):
    """A Chromium browser on the live server: yields a function that opens a new page (a new person)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    from anef.testing.browser import launch, watch_csp

    pages = []
    with sync_playwright() as playwright:
        browser = launch(playwright)

        def new_page(locale="fr-FR", width=1280):
            context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.base = live_server.url
            page.violations = []
            page.csp_violations = watch_csp(page)
            pages.append(page)
            return page

        yield new_page
        browser.close()
    blocked = [violation for page in pages for violation in page.csp_violations]
    assert not blocked, "Content-Security-Policy violations:\n" + "\n".join(blocked)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The local OpenID Connect provider (local_oidc_provider/), one per test worker: its issuer."""
    from anef.testing.oidc import running_provider

    with running_provider(tmp_path_factory.mktemp("oidc-provider")) as issuer:
        yield issuer


@pytest.fixture
def franceconnect(settings, oidc_provider):
    """FranceConnect configured against the local provider, for one test."""
    from anef.settings.base import content_security_policy
    from local_oidc_provider.identities import CLIENT_ID, CLIENT_SECRET

    settings.CONTENT_SECURITY_POLICY = content_security_policy(franceconnect_url=oidc_provider)
    settings.ANEF_FRANCECONNECT_URL = oidc_provider
    settings.ANEF_FRANCECONNECT_CLIENT_ID = CLIENT_ID
    settings.ANEF_FRANCECONNECT_SECRET = CLIENT_SECRET
    return oidc_provider


REDIS_URL = os.environ.get("ANEF_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings):
    """The default cache on the machine's Redis (production's cache), under a key prefix of this test
    alone. Outside CI, a missing Redis skips the test with a message; in CI it is an error."""
    import uuid

    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: Redis is required at {REDIS_URL} ({exc}).")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: test SKIPPED")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    yield REDIS_URL
