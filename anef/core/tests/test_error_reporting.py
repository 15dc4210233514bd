"""An error on a page reaches the operators' Sentry when one is configured, and only then; what it sends says
where it failed, never who was concerned (no email, no cookie, no form, no query string)."""

import gzip
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import sentry_sdk
from django.conf import settings as django_settings
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from anef.core.error_reporting import error_reporting_init
from anef.testing import make_applicant


@csrf_exempt
def a_failing_view(request):
    raise RuntimeError("the page broke")


urlpatterns = [path("broken/", a_failing_view)]


class FakeSentry:
    """A local HTTP server that takes Sentry envelopes; `wait_for_event` waits until an error event arrived."""

    def __init__(self):
        self.envelopes: list[bytes] = []
        self.arrived = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":  # the SDK's choice when brotli is installed (it is, for WeasyPrint)
                    body = brotli.decompress(body)
                else:
                    assert encoding in ("", "identity"), encoding
                with fake.arrived:
                    fake.envelopes.append(body)
                    fake.arrived.notify_all()
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/1"

    def events(self) -> list[dict]:
        found = []
        for envelope in self.envelopes:
            lines = envelope.split(b"\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(payload))
        return found

    def wait_for_event(self, timeout: float = 10) -> dict:
        with self.arrived:
            assert self.arrived.wait_for(self.events, timeout=timeout), "no event reached the fake Sentry"
        return self.events()[0]


@pytest.fixture
def fake_sentry():
    fake = FakeSentry()
    fake.thread.start()
    yield fake
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    fake.server.shutdown()


def test_without_a_dsn_nothing_is_started():
    assert not sentry_sdk.get_client().is_active()  # the test settings have no ANEF_SENTRY_DSN

    assert error_reporting_init(dsn="", environment="production", release="1.2.3") is False
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.urls("anef.core.tests.test_error_reporting")
def test_an_error_in_a_view_is_reported_without_personal_data(fake_sentry, live_server):
    """Through a real WSGI server (where Sentry's integration reads the request), signed in, with a cookie,
    a query string and a form."""
    assert error_reporting_init(dsn=fake_sentry.dsn, environment="staging", release="2026.12.1") is True
    person = make_applicant(email="awa.traore@example.org")
    client = Client()
    client.force_login(person.user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    request = urllib.request.Request(  # noqa: S310 - the local test server
        f"{live_server.url}/broken/?name=Traore",
        data=urllib.parse.urlencode({"first_name": "Awa-in-a-form"}).encode(),
        headers={
            "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; tracking=cookie-value-0123",
            "X-Request-ID": "req-sentry-0001",
        },
    )

    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - the local test server
    sentry_sdk.flush()
    event = fake_sentry.wait_for_event()

    assert answer.value.code == 500
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["exception"]["values"][-1]["value"] == "the page broke"
    assert (event["environment"], event["release"]) == ("staging", "2026.12.1")
    assert event["request"]["method"] == "POST" and event["request"]["url"].endswith("/broken/")
    assert event["request"]["headers"]["X-Request-Id"] == "req-sentry-0001"
    sent = b"\n".join(fake_sentry.envelopes).decode()
    for personal in ("awa.traore@example.org", "cookie-value-0123", session, "Traore", "Awa-in-a-form"):
        assert personal not in sent
    assert "user" not in event
