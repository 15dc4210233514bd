"""Reminders sent by the periodic sweeps (`anef.core.schedules`): a request whose deadline comes
close, a draft left for a week. Set-based and safe to run twice: each reminder has an idempotency
key and a conditional update."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from anef.applications.models import Application, InformationRequest
from anef.applications.retention import draft_deletion_date
from anef.applications.workflow import State

from .services import notify_reminder

REQUEST_REMINDER_DAYS = 5
DRAFT_REMINDER_DAYS = 7


def remind_request_deadlines() -> int:
    """Remind applicants whose answer is due within a few days (once per request)."""
    today = timezone.localdate()
    due = InformationRequest.objects.filter(
        answered_at__isnull=True,
        application__state=State.AWAITING_APPLICANT,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=REQUEST_REMINDER_DAYS),
        reminded_at__isnull=True,
    ).select_related("application__person", "application__procedure")
    count = 0
    for request in due:
        with transaction.atomic():
            if not InformationRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue  # another sweep got there first
            notify_reminder(
                kind="request_reminder",
                application=request.application,
                key=f"request-reminder:{request.pk}",
                deadline=request.deadline,
                requested=request.requested_items,
            )
            count += 1
    return count


def remind_stale_drafts() -> int:
    """A draft left for a week gets one reminder: nothing submitted is ever lost, but nothing is filed either.
    A draft never filed is deleted under the retention policy: the reminder gives the date, and
    the deletion waits for it (`anef.applications.retention.draft_deletion_date`)."""
    limit = timezone.now() - timedelta(days=DRAFT_REMINDER_DAYS)
    # Not reminded yet, or changed since the last reminder (whose deletion date no longer holds).
    stale = Application.objects.filter(state=State.DRAFT, updated_at__lte=limit).filter(
        Q(draft_reminded_at__isnull=True) | Q(draft_reminded_at__lt=F("updated_at"))
    )
    count = 0
    for application in stale.select_related("person", "procedure"):
        with transaction.atomic():
            if not Application.objects.filter(
                pk=application.pk, draft_reminded_at=application.draft_reminded_at
            ).update(draft_reminded_at=timezone.now()):
                continue  # another run reminded it first
            deleted_on = draft_deletion_date(application, reminded_on=timezone.localdate())
            notify_reminder(
                kind="draft_reminder",
                application=application,
                key=f"draft-reminder:{application.pk}:{application.updated_at:%Y%m%d%H%M%S}",
                deleted_on=deleted_on,
            )
            count += 1
    return count
