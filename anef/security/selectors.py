from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .constants import SecurityEventKind
from .models import SecurityEvent


def security_events(
    *, kind: str = "", email: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[SecurityEvent]:
    """The security trace, newest first, filtered; dates are whole local days, both included."""
    events = SecurityEvent.objects.select_related("actor")
    if kind:
        events = events.filter(kind=kind)
    if email:
        events = events.filter(email=email.strip().lower())
    if since:
        events = events.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        next_day = until + timedelta(days=1)
        events = events.filter(created_at__lt=timezone.make_aware(datetime.combine(next_day, time.min)))
    return events.order_by("-created_at", "-pk")


# What a person reads of their own account's trace: the changes of their credentials and the codes
# that could change them (sign-ins and refusals stay with the administrators).
SHOWN_TO_THE_PERSON = (
    SecurityEventKind.RECOVERY_REQUESTED,
    SecurityEventKind.RECOVERY_CODE_ISSUED,
    SecurityEventKind.ACCOUNT_RECOVERED,
    SecurityEventKind.PASSWORD_CHANGED,
    SecurityEventKind.PASSWORD_RESET,
    SecurityEventKind.SECOND_FACTOR_ADDED,
    SecurityEventKind.SECOND_FACTOR_REMOVED,
)


def account_history(*, user, limit: int = 20) -> list[SecurityEvent]:
    """The newest events of the signed-in person's own account that they may read."""
    return list(
        SecurityEvent.objects.filter(user=user, kind__in=SHOWN_TO_THE_PERSON)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )
