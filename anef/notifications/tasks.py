"""Background work of the outbox. Tasks take ids, reload, re-check, and are idempotent."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anef.core.tasks import enqueue, pending_task_args

from .constants import MAX_ATTEMPTS, NotificationState
from .delivery import deliver
from .errors import DeliveryRefused
from .models import Notification


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes... between attempts."""
    return timedelta(minutes=2 ** max(0, attempts - 1))


def send_notification(notification_id: int) -> str:
    """Send one notification once. The row lock makes a duplicated task wait, then see it sent."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update(of=("self",)).filter(pk=notification_id).first()
        if notification is None or notification.state in (NotificationState.SENT, NotificationState.FAILED):
            return "nothing to do"
        notification.attempts += 1
        try:
            deliver(notification)
        except Exception as exc:  # noqa: BLE001 - any provider failure is recorded, and retried unless refused
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if isinstance(exc, DeliveryRefused) or notification.attempts >= MAX_ATTEMPTS:
                notification.state = NotificationState.FAILED
                notification.next_attempt_at = None
            else:
                notification.state = NotificationState.RETRYING
                notification.next_attempt_at = timezone.now() + backoff(notification.attempts)
            notification.save(update_fields=["attempts", "last_error", "state", "next_attempt_at", "letter"])
            return notification.state
        notification.state = NotificationState.SENT
        notification.sent_at = timezone.now()
        notification.next_attempt_at = None
        notification.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at", "letter", "last_error"])
        return "sent"


def retry_due_notifications() -> int:
    """Sweep: enqueue the notifications whose retry time has come. Safe to run twice: the send task
    locks the row and does nothing for a notification already sent."""
    due = list(
        Notification.objects.filter(state=NotificationState.RETRYING, next_attempt_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )[:1000]
    )
    with transaction.atomic():
        Notification.objects.filter(pk__in=due).update(state=NotificationState.QUEUED, next_attempt_at=None)
        for pk in due:
            enqueue("anef.notifications.tasks.send_notification", pk)
    return len(due)


SEND_TASK = "anef.notifications.tasks.send_notification"


def requeue_stranded_notifications() -> dict:
    """Sweep: a notification queued for longer than `ANEF_NOTIFICATION_STRANDED_MINUTES` with no
    sending task in the queue (its task failed before it locked the row, or was dropped) gets a new
    task. Safe to run twice and to race a late task: the send task locks the row and does nothing
    for a notification already sent."""
    cutoff = timezone.now() - timedelta(minutes=settings.ANEF_NOTIFICATION_STRANDED_MINUTES)
    queued = list(
        Notification.objects.filter(state=NotificationState.QUEUED, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    pending = pending_task_args(SEND_TASK) if queued else set()
    if pending is None:
        return {"requeued": 0, "skipped": "the queue is too long to read: its tasks are still pending"}
    stranded = [pk for pk in queued if pk not in pending]
    with transaction.atomic():
        for pk in stranded:
            enqueue(SEND_TASK, pk)
    return {"requeued": len(stranded)}
