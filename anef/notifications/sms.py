"""Text messages behind a small interface; the demo writes them to files, production plugs a provider."""

from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, key: str) -> None:
        """Send once per key: providers that accept an idempotency key must receive `key`."""


class FileSmsBackend:
    """One file per message, named by its idempotency key: sending twice cannot make two messages."""

    def send(self, *, to: str, text: str, key: str) -> None:
        folder = Path(settings.ANEF_SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key.replace(':', '_')}.txt").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")


class MemorySmsBackend:
    """For tests: remembers what was sent, by key."""

    outbox: dict[str, tuple[str, str]] = {}

    def send(self, *, to: str, text: str, key: str) -> None:
        MemorySmsBackend.outbox[key] = (to, text)


class FailingSmsBackend:
    """For tests: a provider that is down."""

    def send(self, *, to: str, text: str, key: str) -> None:
        raise ConnectionError("SMS provider unreachable")


def sms_backend() -> SmsBackend:
    return import_string(settings.ANEF_SMS_BACKEND)()
