"""Periodic work on appointments. Each sweep selects with one query and writes with conditional
updates or idempotency keys, so running it twice changes nothing."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from anef.applications.kernel import lock_application, record_event
from anef.applications.models import Application
from anef.applications.workflow import EventKind, State
from anef.notifications.models import Notification
from anef.notifications.services import notify_reminder

from .constants import LETTER_REMINDER_DAYS, OFFER_VALID_HOURS, BookingStatus, Kind, RequestStatus
from .models import Booking, BookingRequest, Invitation, WaitlistEntry
from .services import (
    SlotTaken,
    booking_book,
    draw_hold,
    free_slots,
    invitation_create,
    waitlist_pass_on,
    window_of,
)

UNCOLLECTED_DAYS = 21
UNRECORDED_DAYS = 2
# A request made in the last seconds of a window may commit just after it closes: the draw waits.
DRAW_GRACE = timedelta(seconds=60)
# A reminder letter posted later than this before the appointment would arrive after it.
LETTER_LATEST_DAYS = 3


def draw_booking_requests() -> int:
    """Draw every closed window that has requests waiting, oldest first, one draw per prefecture and
    kind. A request that reached a window already drawn (it committed late) joins the current one."""
    now = timezone.now()
    closed_before = now - timedelta(minutes=settings.ANEF_APPOINTMENT_DRAW_MINUTES) - DRAW_GRACE
    groups = (
        BookingRequest.objects.filter(status=RequestStatus.PENDING, window_start__lte=closed_before)
        .values_list("slot__site__prefecture_id", "slot__kind", "window_start")
        .distinct()
        .order_by("window_start", "slot__site__prefecture_id", "slot__kind")
    )
    count = 0
    for prefecture_id, kind, window_start in list(groups):
        if draw_hold(prefecture_id=prefecture_id, kind=kind, window_start=window_start) is not None:
            count += 1
            continue
        BookingRequest.objects.filter(
            status=RequestStatus.PENDING,
            window_start=window_start,
            slot__site__prefecture_id=prefecture_id,
            slot__kind=kind,
        ).update(window_start=window_of(now))
    return count


def _paper_only():
    return Q(application__person__email="") & Q(application__person__phone="")


def remind_appointments() -> int:
    """Once per booking, a reminder that says where, when and what to bring: 48 hours before by
    email and SMS; for a person reached by post only, a letter LETTER_REMINDER_DAYS before (none
    when the appointment is too close for a letter to arrive: the booking was made with them)."""
    now = timezone.now()
    electronic = ~_paper_only() & Q(slot__starts_at__range=(now, now + timedelta(hours=48)))
    by_post = _paper_only() & Q(
        slot__starts_at__range=(now + timedelta(days=LETTER_LATEST_DAYS), now + timedelta(days=LETTER_REMINDER_DAYS))
    )
    due = Booking.objects.filter(
        electronic | by_post, status=BookingStatus.BOOKED, reminded_at__isnull=True
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
                when=timezone.localtime(booking.slot.starts_at),
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
    week = timezone.localdate().isocalendar()
    monday = timezone.localdate() - timedelta(days=week.weekday - 1)
    booked = Booking.objects.filter(application=OuterRef("pk"), kind=Kind.CARD_HANDOVER, status=BookingStatus.BOOKED)
    # Told this week already: not read again every day of the week (the work is what is due, not every card).
    told = Notification.objects.filter(
        application=OuterRef("pk"), kind="card_uncollected", created_at__date__gte=monday
    )
    waiting = (
        Application.objects.filter(state=State.CARD_READY, state_changed_at__lte=limit)
        .exclude(Exists(booked))
        .exclude(Exists(told))
    )
    count = 0
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
    """A handover appointment that passed without being recorded: flagged for an agent to reconcile
    (on the person's next file too), the person told what it means and invited to book again if they
    did not get their card. It blocks nothing: a card_ready file never prevents a new application."""
    limit = timezone.now() - timedelta(days=UNRECORDED_DAYS)
    count = 0
    for booking in Booking.objects.filter(
        kind=Kind.CARD_HANDOVER, status=BookingStatus.BOOKED, slot__ends_at__lte=limit, flagged_at__isnull=True
    ).select_related("slot__site"):
        with transaction.atomic():
            application = lock_application(booking.application_id)
            if not Booking.objects.filter(pk=booking.pk, flagged_at__isnull=True, status=BookingStatus.BOOKED).update(
                flagged_at=timezone.now(), status=BookingStatus.UNRECORDED
            ):
                continue
            invitation = (
                invitation_create(application=application, kind=Kind.CARD_HANDOVER, actor=None)
                if application.state == State.CARD_READY
                else None
            )
            record_event(
                application=application,
                kind=EventKind.HANDOVER_UNRECORDED,
                actor=None,
                payload={
                    "booking": booking.pk,
                    "starts_at": timezone.localtime(booking.slot.starts_at).strftime("%d/%m/%Y %H:%M"),
                    "site": booking.slot.site.name,
                    "invitation": invitation.pk if invitation else None,
                },
            )
            count += 1
    return count
