"""Create notifications in the transaction of the change that causes them; the outbox task sends."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from anef.applications.workflow import EVENTS, Tell
from anef.core.tasks import enqueue
from anef.messaging.models import Side as MessageSide

from .constants import Channel, NotificationState
from .models import Notification
from .rendering import render_for_event, render_for_person, render_reminder

# Issued documents the applicant is told about (with the PDF attached to the email); the filing
# certificate and the decision letter come with the submission and decision notifications.
NOTIFIED_DOCUMENTS = frozenset({"api", "attestation_decision_favorable", "recepisse"})


def _channels(person) -> list[tuple[str, str]]:
    channels: list[tuple[str, str]] = []
    if person.email:
        channels.append((Channel.EMAIL, person.email))
    if person.phone:
        channels.append((Channel.SMS, person.phone))
    if not channels:
        address = f"{person.address_line}, {person.postcode} {person.city}".strip(", ")
        channels.append((Channel.LETTER, address))
    return channels


def _create(
    *, person, application, kind: str, key: str, texts: dict, event=None, also_to: tuple = (), only_to=None
) -> list[Notification]:
    """One notification per channel, each with its own idempotency key; enqueue their sending.

    Must run inside the transaction of the change: if it rolls back, neither the rows nor the tasks
    exist. A key already used means this notification exists already: nothing is created twice.
    """
    created = []
    own = _channels(person) if only_to is None else list(only_to)
    previous = [channel for channel in also_to if channel[1] and channel not in own]
    for (channel, recipient), suffix in [*((c, "") for c in own), *((c, ":previous") for c in previous)]:
        idempotency_key = f"{key}:{channel}{suffix}"
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    person=person,
                    application=application,
                    channel=channel,
                    language=person.preferred_language,
                    recipient=recipient,
                    subject=texts["subject"],
                    body=_body(texts, channel),
                    kind=kind,
                    idempotency_key=idempotency_key,
                    event=event,
                )
        except IntegrityError:
            continue
        enqueue("anef.notifications.tasks.send_notification", notification.pk)
        created.append(notification)
    return created


def _body(texts: dict, channel: str) -> str:
    if channel == Channel.SMS:
        return texts["sms"]
    if channel == Channel.LETTER:
        return texts.get("letter") or texts["body"]
    return texts["body"]


def _tells_the_person(event) -> bool:
    """What the workflow's `EVENTS` table says this event tells the person."""
    tells = EVENTS[event.kind].tells
    if tells == Tell.WHEN_THE_PREFECTURE_WRITES:
        return event.payload.get("side") == MessageSide.PREFECTURE  # not of their own message
    if tells == Tell.WHEN_IT_GIVES_RIGHTS:
        return event.payload.get("type") in NOTIFIED_DOCUMENTS
    return tells == Tell.THE_PERSON


def notify_event(event) -> list[Notification]:
    """Notify the applicant of an event of their application's history, if it matters to them.
    Whatever a helper does under a mandate is told, whatever it is: the person must see every use."""
    by_helper = bool(event.payload.get("helper_structure"))
    if not by_helper and not _tells_the_person(event):
        return []
    application = event.application
    person = application.person
    texts = render_for_event(event=event, person=person, application=application)
    # Contact details changed by someone else: the old ones are told too (a stranger who changed
    # them must not be the only one to hear of it).
    previous = event.payload.get("previous_contacts") or {}
    also_to = ((Channel.EMAIL, previous.get("email", "")), (Channel.SMS, previous.get("phone", "")))
    return _create(
        person=person,
        application=application,
        kind=event.kind,
        key=f"event:{event.pk}",
        texts=texts,
        event=event,
        also_to=also_to,
    )


def notify_person(*, person, kind: str, key: str, **context) -> list[Notification]:
    """Tell the person something that concerns them rather than one application (a mandate given,
    used or ended; a code to confirm one), on every channel they have, in the same transaction."""
    texts = render_for_person(kind=kind, person=person, **context)
    return _create(person=person, application=None, kind=kind, key=key, texts=texts)


def notify_contacts(*, person, kind: str, key: str, email: str = "", phone: str = "", **context) -> list[Notification]:
    """Tell the person on these contact details only, not on every channel they have: a recovery code
    goes to the number on file alone, and the notice that an account was recovered goes to the
    address and number it had before (accounts.recovery). In the same transaction, as the others."""
    texts = render_for_person(kind=kind, person=person, **context)
    only_to = [(channel, to) for channel, to in ((Channel.EMAIL, email), (Channel.SMS, phone)) if to]
    return _create(person=person, application=None, kind=kind, key=key, texts=texts, only_to=only_to)


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
