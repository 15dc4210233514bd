"""Background work of the outbox. Tasks take ids, reload, re-check, and are idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from anef.core.tasks import enqueue

from .constants import MAX_ATTEMPTS, NotificationState
from .delivery import deliver
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
        except Exception as exc:  # noqa: BLE001 - any provider failure is recorded and retried
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
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
