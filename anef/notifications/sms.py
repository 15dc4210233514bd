"""Text messages behind a small interface; the demo writes them to files, production sends them to an
HTTP provider (`HttpSmsBackend`, whose request is described in docs/operations.md, "Channels")."""

import http.client
import json
import logging
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .errors import DeliveryRefused

logger = logging.getLogger(__name__)


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


class SmsProviderUnavailable(Exception):
    """The provider could not take the message now (down, overloaded, too slow, out of reach): the
    sending task retries later with the same idempotency key."""


# National numbers of the overseas departments, which have country codes of their own (the nine
# digits after the 0 stay the same): Guadeloupe, Saint-Martin and Saint-Barthélemy; French Guiana;
# Martinique; La Réunion and Mayotte.
OVERSEAS_PREFIXES = {
    "590": "590", "690": "590", "691": "590",
    "594": "594", "694": "594",
    "596": "596", "696": "596", "697": "596",
    "262": "262", "263": "262", "269": "262", "639": "262", "692": "262", "693": "262",
}  # fmt: skip


def e164(number: str) -> str:
    """The number as providers want it (+ country code, digits): people type French national numbers
    (06 12 34 56 78) or international ones (+33 6..., 0033 6...). Anything else cannot be sent."""
    digits = re.sub(r"[\s.\-()]", "", number)
    if digits.startswith("00"):
        digits = f"+{digits[2:]}"
    if re.fullmatch(r"\+[1-9]\d{7,14}", digits):
        return digits
    if re.fullmatch(r"0[1-9]\d{8}", digits):
        return f"+{OVERSEAS_PREFIXES.get(digits[1:4], '33')}{digits[1:]}"
    raise DeliveryRefused("the recipient's phone number is neither a French number nor an international one (+...)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect means a wrong URL: it fails the request rather than resending the message elsewhere
    (urllib would turn the POST into a GET without its body)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ARG002 - urllib's signature
        return None


_opener = urllib.request.build_opener(_NoRedirect)
# 408 (the provider gave up waiting for our request) and 429 (too many requests) pass, like any 5xx;
# any other answer that is not a 2xx will not change by sending the same request again.
PASSING_CLIENT_ERRORS = frozenset({408, 429})


class HttpSmsBackend:
    """A provider reached over HTTPS with one JSON request per message:

        POST {ANEF_SMS_HTTP_URL}
        Authorization: Bearer {ANEF_SMS_HTTP_TOKEN}        (left out when no token is set)
        Idempotency-Key: {key}
        Content-Type: application/json
        {"to": "+33612345678", "text": "...", "sender": "{ANEF_SMS_SENDER}", "idempotency_key": "{key}"}

    A 2xx answer means the provider took the message. A retried request carries the same key, and the
    provider must answer it 2xx again without sending a second message. A 4xx other than 408 and 429
    (or a redirect, which is not followed) refuses the message for good (`DeliveryRefused`: failed at
    once, shown to administrators); a 5xx, 408, 429, a timeout or a connection error raise
    `SmsProviderUnavailable` and the task retries. A timeout may come after the provider sent the
    message: the key is what makes the retry safe.

    The token and the text never appear in logs or recorded errors (a provider's error body may quote
    the text, so only its status is kept); the number is personal data and is not logged either.
    """

    def __init__(self) -> None:
        self.url = settings.ANEF_SMS_HTTP_URL
        self.token = settings.ANEF_SMS_HTTP_TOKEN
        self.sender = settings.ANEF_SMS_SENDER
        self.timeout = settings.ANEF_SMS_HTTP_TIMEOUT
        if not self.url:
            raise ImproperlyConfigured("HttpSmsBackend needs ANEF_SMS_HTTP_URL, the provider's endpoint.")

    def send(self, *, to: str, text: str, key: str) -> None:
        body = {"to": e164(to), "text": text, "sender": self.sender, "idempotency_key": key}
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked by the production settings
            self.url, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                response.read(65536)  # the answer is not needed; reading it lets the connection close cleanly
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
        except (OSError, http.client.HTTPException) as exc:  # refused, unreachable, timed out, cut off
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            logger.warning("SMS %s: provider unreachable (%s)", key, type(exc).__name__)
            raise SmsProviderUnavailable(f"SMS provider unreachable: {reason or type(exc).__name__}") from exc
        if 200 <= status < 300:
            logger.info("SMS %s: accepted by the provider (HTTP %s)", key, status)
            return
        logger.warning("SMS %s: the provider answered HTTP %s", key, status)
        if status < 500 and status not in PASSING_CLIENT_ERRORS:  # a 4xx, or a redirect (a wrong URL)
            raise DeliveryRefused(f"the SMS provider refused the message: HTTP {status}")
        raise SmsProviderUnavailable(f"the SMS provider could not take the message now: HTTP {status}")


def sms_backend() -> SmsBackend:
    return import_string(settings.ANEF_SMS_BACKEND)()
