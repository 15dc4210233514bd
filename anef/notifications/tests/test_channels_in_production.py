"""Production refuses to start with mail or text messages that would stay on one machine, in memory,
or be dropped, and says what to set; with a real SMTP relay and SMS provider it starts."""

import subprocess
import sys
from pathlib import Path

import pytest

from anef.testing.production import production_environment

ROOT = Path(__file__).resolve().parents[3]
HTTP_SMS = "anef.notifications.sms.HttpSmsBackend"
SHOW_CHANNELS = (
    "import django; django.setup();"
    "from django.conf import settings; from anef.notifications.sms import sms_backend;"
    "print(settings.EMAIL_BACKEND, type(sms_backend()).__name__)"
)


def _start_production(tmp_path, code: str = "import django; django.setup()", **channels: str):
    """A process started as a production machine, with only what production requires and `channels`."""
    no_channel: dict[str, str | None] = {"ANEF_SMS_BACKEND": None, "ANEF_SMS_HTTP_URL": None}
    env = production_environment(**{**no_channel, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **channels})
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PROVIDER = {"ANEF_SMS_BACKEND": HTTP_SMS, "ANEF_SMS_HTTP_URL": "https://sms.example/v1/messages"}


@pytest.mark.parametrize(
    ("channels", "refusal"),
    [
        ({}, "ANEF_SMS_BACKEND=anef.notifications.sms.FileSmsBackend writes text messages to files"),
        (
            {"ANEF_SMS_BACKEND": "anef.notifications.sms.MemorySmsBackend"},
            "ANEF_SMS_BACKEND=anef.notifications.sms.MemorySmsBackend keeps text messages in memory",
        ),
        (
            {"ANEF_SMS_BACKEND": "anef.notifications.sms.FailingSmsBackend"},
            "ANEF_SMS_BACKEND=anef.notifications.sms.FailingSmsBackend fails every text message",
        ),
        ({"ANEF_SMS_BACKEND": HTTP_SMS}, "ANEF_SMS_HTTP_URL must be the SMS provider's endpoint"),
        ({**PROVIDER, "ANEF_SMS_HTTP_URL": "sms.example/v1"}, "ANEF_SMS_HTTP_URL must be the SMS provider's endpoint"),
        (
            {**PROVIDER, "ANEF_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"},
            "ANEF_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend writes mail to files",
        ),
        (
            {**PROVIDER, "ANEF_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "ANEF_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend prints mail",
        ),
        (
            {**PROVIDER, "ANEF_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
            "ANEF_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend keeps mail in memory",
        ),
        (
            {**PROVIDER, "ANEF_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"},
            "ANEF_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend drops mail",
        ),
    ],
    ids=str.split(
        "sms-unset sms-memory sms-failing sms-no-url sms-bad-url mail-file mail-console mail-locmem mail-dummy"
    ),
)
def test_production_refuses_to_start_with_a_channel_that_reaches_nobody(tmp_path, channels, refusal):
    refused = _start_production(tmp_path, **channels)

    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert refusal in refused.stderr


def test_production_starts_with_the_smtp_relay_and_an_http_sms_provider(tmp_path):
    started = _start_production(tmp_path, code=SHOW_CHANNELS, **PROVIDER, ANEF_SMS_HTTP_TOKEN="t0ken")

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "HttpSmsBackend"]
    assert "t0ken" not in started.stdout + started.stderr
