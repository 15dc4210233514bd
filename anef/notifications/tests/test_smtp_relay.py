"""Mail goes to the SMTP relay the environment names (host, port, credentials, timeout): a real SMTP
server on this machine receives the applicant's notification."""

import asyncore
import importlib
import smtpd
import sys
import threading
import warnings

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

import anef.settings
from anef.notifications.constants import Channel
from anef.notifications.models import Notification
from anef.testing import make_applicant, run_queued_tasks, submitted

pytestmark = pytest.mark.django_db


class _Relay(smtpd.SMTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), None)
        self.received: list[tuple[str, list[str], bytes]] = []
        self.arrived = threading.Event()

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        self.received.append((mailfrom, rcpttos, data))
        self.arrived.set()


@pytest.fixture
def relay():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        server = _Relay()
    thread = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.05}, daemon=True)
    thread.start()
    yield server
    server.close()
    thread.join(timeout=5)


def _settings_read_from(monkeypatch, **environment):
    """anef.settings.base as a process started with this environment reads it. The module this process
    loaded stays in place: other tests patch it and import the production settings on top of it."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    loaded = sys.modules.pop("anef.settings.base")
    try:
        return importlib.import_module("anef.settings.base")
    finally:
        sys.modules["anef.settings.base"] = anef.settings.base = loaded


def test_the_applicants_mail_reaches_the_smtp_relay_the_environment_names(relay, monkeypatch):
    port = relay.socket.getsockname()[1]
    read = _settings_read_from(
        monkeypatch,
        ANEF_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        ANEF_SMTP_HOST="127.0.0.1",
        ANEF_SMTP_PORT=str(port),
        ANEF_SMTP_TIMEOUT="10",
    )
    assert (read.EMAIL_USE_TLS, read.EMAIL_USE_SSL) == (False, False)
    names = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_TIMEOUT", "EMAIL_USE_TLS", "EMAIL_USE_SSL")
    with override_settings(**{name: getattr(read, name) for name in names}):
        person = make_applicant(email="amina@example.org")
        submitted(person)
        run_queued_tasks()

    assert relay.arrived.wait(timeout=30)
    mailfrom, recipients, data = relay.received[0]
    assert recipients == ["amina@example.org"]
    assert "ne-pas-repondre@anef.example" in mailfrom
    sent = Notification.objects.filter(person=person, channel=Channel.EMAIL)
    assert sent.exists() and all(n.state == "sent" for n in sent)


def test_smtp_security_and_credentials_come_from_the_environment_and_a_wrong_value_stops_the_start(monkeypatch):
    read = _settings_read_from(
        monkeypatch,
        ANEF_SMTP_SECURITY="starttls",
        ANEF_SMTP_USER="anef",
        ANEF_SMTP_PASSWORD="s3cret",
        ANEF_SMTP_PORT="587",
    )
    assert (read.EMAIL_USE_TLS, read.EMAIL_USE_SSL, read.EMAIL_PORT) == (True, False, 587)
    assert (read.EMAIL_HOST_USER, read.EMAIL_HOST_PASSWORD) == ("anef", "s3cret")
    assert _settings_read_from(monkeypatch, ANEF_SMTP_SECURITY="tls").EMAIL_USE_SSL is True

    with pytest.raises(ImproperlyConfigured, match="ANEF_SMTP_SECURITY"):
        _settings_read_from(monkeypatch, ANEF_SMTP_SECURITY="ssl3")
