"""Create notifications in the transaction of the change that causes them; the outbox task sends."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from anef.core.tasks import enqueue

from .constants import Channel, NotificationState
from .models import Notification
from .rendering import render_for_event, render_reminder

# Events that matter to the applicant (SPEC §8); others are the prefecture's business.
NOTIFIED_EVENTS = frozenset(
    {
        "submit",
        "start_review",
        "request_information",
        "accept",
        "refuse",
        "close_no_action",
        "transfer",
        "mark_card_ready",
        "withdraw",
        "message",
        "document_issue",
        "appointment_invite",
        "appointment_book",
        "appointment_reschedule",
        "appointment_cancel",
        "appointment_offer",
        "appointment_assign",
        "handover_unrecorded",
        "inquiry_send",
        "inquiry_answer",
        "deadline_extend",
        "reopen_on_appeal",
    }
)
# Issued documents the applicant is told about (with the PDF attached to the email); the filing
# certificate and the decision letter come with the submission and decision notifications.
NOTIFIED_DOCUMENTS = frozenset({"api", "attestation_decision_favorable", "recepisse"})


def _channels(person) -> list[tuple[str, str]]:
    channels = []
    if person.email:
        channels.append((Channel.EMAIL, person.email))
    if person.phone:
        channels.append((Channel.SMS, person.phone))
    if not channels:
        address = f"{person.address_line}, {person.postcode} {person.city}".strip(", ")
        channels.append((Channel.LETTER, address))
    return channels


def _create(*, person, application, kind: str, key: str, texts: dict, event=None) -> list[Notification]:
    """One notification per channel, each with its own idempotency key; enqueue their sending.

    Must run inside the transaction of the change: if it rolls back, neither the rows nor the tasks
    exist. A key already used means this notification exists already: nothing is created twice.
    """
    created = []
    for channel, recipient in _channels(person):
        idempotency_key = f"{key}:{channel}"
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    person=person,
                    application=application,
                    channel=channel,
                    language=person.preferred_language,
                    recipient=recipient,
                    subject=texts["subject"],
                    body=texts["sms"] if channel == Channel.SMS else texts["body"],
                    kind=kind,
                    idempotency_key=idempotency_key,
                    event=event,
                )
        except IntegrityError:
            continue
        enqueue("anef.notifications.tasks.send_notification", notification.pk)
        created.append(notification)
    return created


def notify_event(event) -> list[Notification]:
    """Notify the applicant of an event of their application's history, if it matters to them."""
    if event.kind not in NOTIFIED_EVENTS:
        return []
    if event.kind == "message" and event.payload.get("side") != "prefecture":
        return []  # the applicant is not told about their own message
    if event.kind == "document_issue" and event.payload.get("type") not in NOTIFIED_DOCUMENTS:
        return []
    application = event.application
    person = application.person
    texts = render_for_event(event=event, person=person, application=application)
    return _create(
        person=person, application=application, kind=event.kind, key=f"event:{event.pk}", texts=texts, event=event
    )


def notify_reminder(*, kind: str, application, key: str, **extra) -> list[Notification]:
    person = application.person
    texts = render_reminder(kind=kind, person=person, application=application, **extra)
    return _create(person=person, application=application, kind=kind, key=key, texts=texts)


def notification_retry(*, notification_id: int, actor) -> Notification:
    """An administrator sends a failed notification again."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update(of=("self",)).get(pk=notification_id)
        if notification.state != NotificationState.FAILED:
            return notification
        notification.state = NotificationState.QUEUED
        notification.attempts = 0
        notification.next_attempt_at = None
        notification.save(update_fields=["state", "attempts", "next_attempt_at"])
        enqueue("anef.notifications.tasks.send_notification", notification.pk)
    return notification


def notifications_mark_read(*, person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).update(read_at=timezone.now())
