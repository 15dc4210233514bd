"""Links that leave the site: in emails, text messages, letters, PDFs and QR codes.

A message is read away from the request that caused it (often sent by the worker, which has no
request at all), so its links are built on one configured public address, `ANEF_BASE_URL`, never
on the host a request happened to use. `./run` sets it to the address the demo serves on.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def base_url() -> str:
    return settings.ANEF_BASE_URL.rstrip("/")


def absolute(path: str) -> str:
    """The public address of a path of the site (`reverse(...)` or a path with its query)."""
    return base_url() + path


def rebased(url: str) -> str:
    """The same address on the public base: `http://testserver/compte/x/?k=1` → `{base}/compte/x/?k=1`.
    For links a library built from the request's host."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return absolute(path or "/")


def contact_url() -> str:
    """Where a message sends a person who needs help: every way to reach the service."""
    return absolute(reverse("public:accessibility") + "#contact")
