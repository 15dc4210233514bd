from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

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
