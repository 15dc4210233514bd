from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone


def housekeeping() -> dict:
    """The workers' own housekeeping: expired sessions, old successful task records."""
    from django_q.models import Success

    sessions = Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]
    tasks = Success.objects.filter(stopped__lt=timezone.now() - timedelta(days=30)).delete()[0]
    return {"sessions": sessions, "tasks": tasks}
