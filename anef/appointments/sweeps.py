"""Periodic work on appointments. Each sweep selects with one query and writes with conditional
updates or idempotency keys, so running it twice changes nothing."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from anef.applications.kernel import lock_application, record_event
from anef.applications.models import Application
from anef.applications.workflow import EventKind, State
from anef.notifications.services import notify_reminder

from .constants import OFFER_VALID_HOURS, BookingStatus, Kind
from .models import Booking, Invitation, WaitlistEntry
from .services import SlotTaken, booking_book, free_slots, invitation_create, waitlist_pass_on

UNCOLLECTED_DAYS = 21
UNRECORDED_DAYS = 2


def remind_appointments() -> int:
    """48 hours before: the reminder says where, when and what to bring (once per booking)."""
    now = timezone.now()
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED, reminded_at__isnull=True, slot__starts_at__range=(now, now + timedelta(hours=48))
    ).select_related("slot__site", "application__person", "application__procedure")
    count = 0
    for booking in due:
        with transaction.atomic():
            if not Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            notify_reminder(
                kind="appointment_reminder",
                application=booking.application,
                key=f"appointment-reminder:{booking.pk}",
                when=timezone.localtime(booking.slot.starts_at).strftime("%d/%m/%Y %H:%M"),
                site=booking.slot.site.name,
                address=f"{booking.slot.site.address_line}, {booking.slot.site.postcode} {booking.slot.site.city}",
                appointment=booking.kind,
            )
            count += 1
    return count


def pass_on_lapsed_offers() -> int:
    """Offers of an earlier slot not taken within OFFER_VALID_HOURS go to the next person waiting."""
    limit = timezone.now() - timedelta(hours=OFFER_VALID_HOURS)
    lapsed = WaitlistEntry.objects.filter(offered_at__lte=limit).exclude(offer_token="")
    count = 0
    for entry_id in lapsed.values_list("pk", flat=True)[:1000]:
        waitlist_pass_on(entry_id=entry_id)
        count += 1
    return count


def assign_unanswered_invitations() -> int:
    """Without an answer after the delay, the earliest free slot a week ahead is assigned; the
    person is told and can change it."""
    count = 0
    for invitation in Invitation.objects.filter(status=Invitation.Status.OPEN, assign_after__lte=timezone.now()):
        week_ahead = timezone.now() + timedelta(days=7)
        for slot in free_slots(
            application=invitation.application, kind=invitation.kind, limit=5, not_before=week_ahead
        ):
            try:
                booking_book(token=invitation.token, slot_id=slot.pk, actor=None, assigned=True)
            except SlotTaken:
                continue
            count += 1
            break
    return count


def reinvite_uncollected_cards() -> int:
    """A card ready for three weeks and not collected: a new invitation and a notice on every channel
    each week, until the handover."""
    limit = timezone.now() - timedelta(days=UNCOLLECTED_DAYS)
    booked = Booking.objects.filter(application=OuterRef("pk"), kind=Kind.CARD_HANDOVER, status=BookingStatus.BOOKED)
    waiting = Application.objects.filter(state=State.CARD_READY, state_changed_at__lte=limit).exclude(Exists(booked))
    count = 0
    week = timezone.localdate().isocalendar()
    for application in waiting.select_related("person", "procedure"):
        with transaction.atomic():
            locked = lock_application(application.pk)
            invitation_create(application=locked, kind=Kind.CARD_HANDOVER, actor=None)
            created = notify_reminder(
                kind="card_uncollected",
                application=locked,
                key=f"card-uncollected:{application.pk}:{week.year}-{week.week}",
            )
            count += bool(created)
    return count


def flag_unrecorded_handovers() -> int:
    """A handover appointment that passed without being recorded: flagged for an agent to reconcile,
    and the person is told. It blocks nothing: a card_ready file never prevents a new application."""
    limit = timezone.now() - timedelta(days=UNRECORDED_DAYS)
    count = 0
    for booking in Booking.objects.filter(
        kind=Kind.CARD_HANDOVER, status=BookingStatus.BOOKED, slot__ends_at__lte=limit, flagged_at__isnull=True
    ):
        with transaction.atomic():
            application = lock_application(booking.application_id)
            if not Booking.objects.filter(pk=booking.pk, flagged_at__isnull=True).update(flagged_at=timezone.now()):
                continue
            record_event(
                application=application,
                kind=EventKind.HANDOVER_UNRECORDED,
                actor=None,
                payload={"booking": booking.pk},
            )
            count += 1
    return count
