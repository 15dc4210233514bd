"""Periodic sweeps over applications. Set-based and safe to run twice: each escalation is a
conditional update. (The reminders are `anef.notifications.reminders`.)"""

from django.db import transaction
from django.utils import timezone

from .kernel import lock_application, record_event
from .models import InformationRequest
from .ports import DEADLINE_ON_HOLD, port
from .workflow import EventKind, State


def escalate_overdue_requests() -> int:
    """After the deadline, the file goes back to the supervisor's attention (once per request)."""
    today = timezone.localdate()
    overdue = InformationRequest.objects.filter(
        answered_at__isnull=True,
        application__state=State.AWAITING_APPLICANT,
        deadline__lt=today,
        escalated_at__isnull=True,
    ).values_list("pk", "application_id", "application__prefecture_id", "deadline")
    count = 0
    for request_pk, application_pk, prefecture_id, deadline in overdue:
        if port(DEADLINE_ON_HOLD)(prefecture_id=prefecture_id, deadline=deadline):
            continue  # an incident still going on will move this deadline when it ends
        with transaction.atomic():
            application = lock_application(application_pk)
            if not InformationRequest.objects.filter(pk=request_pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now()
            ):
                continue
            record_event(
                application=application,
                kind=EventKind.REQUEST_OVERDUE,
                actor=None,
                payload={"request": request_pk},
            )
            count += 1
    return count
