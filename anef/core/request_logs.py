"""Which request a log line belongs to: its id and the client's address, on every line written while it is
served (docs/operations.md, "Logs").

`RequestIdMiddleware` (anef/core/middleware.py) sets them for the time of the request; the logging filter
below copies them onto each record, so that a formatter (JSON in production, text elsewhere) writes them.
This module imports nothing of Django's request machinery: the logging configuration loads it before the
apps are ready.
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the load balancer or the client is kept when it looks like one (a UUID, a hex or base64url
# token): never free text, which would let a client write what it likes into our logs.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_current: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("anef_request", default=None)


def request_id_from(incoming: str | None) -> str:
    """The incoming id when it is well formed, else a new one."""
    if incoming and WELL_FORMED_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def request_context_set(*, request_id: str, client: str) -> contextvars.Token:
    return _current.set({"request_id": request_id, "client": client})


def request_context_reset(token: contextvars.Token) -> None:
    _current.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `client` to each record written during a request. Outside one (a worker's
    task, a command), they are left out, or set to `placeholder` for a text format that names them."""

    def __init__(self, placeholder: str | None = None):
        super().__init__()
        self.placeholder = placeholder

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        if context is not None:
            for key, value in context.items():
                setattr(record, key, value)
        elif self.placeholder is not None:
            for key in ("request_id", "client"):
                if not hasattr(record, key):
                    setattr(record, key, self.placeholder)
        return True
