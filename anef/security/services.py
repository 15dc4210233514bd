"""Writes of the security trace and of signed-in sessions.

`security_event_record` is what any code calls to leave a trace (sign-ins, refusals, mandate
changes...): it never breaks the request it records; a failure to write is logged as an error.
`security_event_append` is for services whose change and trace must commit together (an account
deactivated): it raises like any other write of their transaction.
"""

import ipaddress
import logging
from datetime import timedelta
from importlib import import_module

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .constants import PATH_MAX, USER_AGENT_MAX, SecurityEventKind
from .models import SecurityEvent, SignedInSession

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The client's address as the rate limits see it: allauth's reading of the trusted proxy's
    header (ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER), else REMOTE_ADDR."""

    try:
        ip = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def _account(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def security_event_append(
    *, kind: str, user=None, request=None, email: str = "", actor=None, **details
) -> SecurityEvent:
    """Append one event; raises on failure (call it inside the transaction of the change it records)."""
    user = _account(user)
    event = SecurityEvent(
        kind=SecurityEventKind(kind),
        user=user,
        email=(email or (user.email if user is not None else "")).strip().lower()[:254],
        actor=_account(actor),
        details=details,
    )
    if request is not None:
        event.ip = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        event.path = request.path[:PATH_MAX]
    event.save()
    return event


def security_event_record(
    *, kind: str, user=None, request=None, email: str = "", actor=None, **details
) -> SecurityEvent | None:
    """Record an event without ever breaking the request it records: a failure is logged (with its
    traceback, as an error) and None is returned. Inside a transaction, the event commits or rolls
    back with it (a savepoint keeps a failed write from spoiling the transaction)."""
    try:
        with transaction.atomic():
            return security_event_append(kind=kind, user=user, request=request, email=email, actor=actor, **details)
    except Exception:
        logger.exception("Security event %r could not be recorded (path %s)", kind, getattr(request, "path", "-"))
        return None


def session_remember(*, user, session_key: str | None) -> None:
    """Called at sign-in: keep the session's key, and forget those of this account that have
    expired anyway (older than the longest session)."""
    if not session_key:
        return
    SignedInSession.objects.update_or_create(session_key=session_key, defaults={"user": user})
    too_old = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    SignedInSession.objects.filter(user=user, created_at__lt=too_old).delete()


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()


def sessions_end(*, user_id: int) -> int:
    """End every session of this account now, whatever the session engine. Returns how many were
    known. (Sessions opened before keys were recorded end anyway at their next request: the
    authentication backend refuses an inactive account.)"""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(SignedInSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SignedInSession.objects.filter(user_id=user_id, session_key__in=keys).delete()
    return len(keys)
