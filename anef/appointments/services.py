"""Capacity, invitations and bookings (SPEC §7). A seat is protected by the database
(`one_booking_per_seat`), not by a check made before writing."""

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

import holidays as holiday_calendars
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.models import User
from anef.applications.access import actor_kind
from anef.applications.errors import ApplicationError, TransitionNotAllowed
from anef.applications.kernel import lock_application, record_event, transition
from anef.applications.models import Application, Channel
from anef.applications.workflow import Actor, EventKind, State
from anef.core.links import absolute
from anef.notifications.services import notify_reminder

from .constants import (
    DURATION_MINUTES,
    HOLIDAY_SUBDIVISIONS,
    OFFER_VALID_HOURS,
    RESCHEDULE_MIN_DAYS,
    BookingStatus,
    Kind,
    RequestStatus,
)
from .models import (
    Booking,
    BookingRequest,
    Closure,
    Counter,
    Draw,
    Invitation,
    OpeningHours,
    Slot,
    WaitlistEntry,
    new_token,
)
from .selectors import biometrics_recorded

# While the biometrics are not recorded, an agent may invite the person again in these states.
BIOMETRICS_INVITE_STATES = frozenset({State.IN_REVIEW, State.AWAITING_APPLICANT, State.ACCEPTED})


class SlotTaken(ApplicationError):
    default_message = _("Someone booked this slot a moment ago. Choose another one below.")


def _holidays_for(site, years):
    departement = site.prefecture.departements.order_by("code").first()
    subdivision = HOLIDAY_SUBDIVISIONS.get(departement.code if departement else "", None)
    return holiday_calendars.France(years=years, subdiv=subdivision)


def slots_generate(*, site, kind: str, start: date, end: date) -> int:
    """Create the seats of every counter of the site that serves this kind, on open days, within
    opening hours; public holidays (of the site's département) and closures are skipped. Idempotent."""
    duration = timedelta(minutes=DURATION_MINUTES[Kind(kind)])
    counters = [c for c in Counter.objects.filter(site=site, active=True) if kind in c.kinds]
    hours = list(OpeningHours.objects.filter(site=site))
    closed = set(Closure.objects.filter(site=site, date__range=(start, end)).values_list("date", flat=True))
    public_holidays = _holidays_for(site, range(start.year, end.year + 1))
    zone = timezone.get_default_timezone()
    slots = []
    day = start
    while day <= end:
        if day not in closed and day not in public_holidays:
            for period in (h for h in hours if h.weekday == day.weekday()):
                moment = datetime.combine(day, period.opens, tzinfo=zone)
                closing = datetime.combine(day, period.closes, tzinfo=zone)
                while moment + duration <= closing:
                    for counter in counters:
                        slots.append(
                            Slot(site=site, counter=counter, kind=kind, starts_at=moment, ends_at=moment + duration)
                        )
                    moment += duration
        day += timedelta(days=1)
    before = Slot.objects.filter(site=site, kind=kind).count()
    Slot.objects.bulk_create(slots, ignore_conflicts=True, batch_size=1000)
    return Slot.objects.filter(site=site, kind=kind).count() - before


def counter_block(*, counter: Counter, day: date) -> tuple[int, int]:
    """Block a counter for a day: free seats are blocked; booked ones are kept (returned as a count
    so the supervisor can reschedule them with the people)."""
    zone = timezone.get_default_timezone()
    window = (datetime.combine(day, time.min, tzinfo=zone), datetime.combine(day, time.max, tzinfo=zone))
    active = Booking.objects.filter(slot=OuterRef("pk")).exclude(status=BookingStatus.CANCELLED)
    slots = Slot.objects.filter(counter=counter, starts_at__range=window)
    blocked = slots.exclude(Exists(active)).update(blocked=True)
    kept = slots.filter(Exists(active)).count()
    return blocked, kept


def invitation_create(*, application: Application, kind: str, actor) -> Invitation | None:
    """Invite the file to book (call inside the transaction that holds the application's lock)."""
    existing = Invitation.objects.filter(application=application, kind=kind, status=Invitation.Status.OPEN).first()
    if existing is not None:
        return existing
    if Booking.objects.filter(application=application, kind=kind, status=BookingStatus.BOOKED).exists():
        return None
    invitation = Invitation.objects.create(
        application=application,
        kind=kind,
        assign_after=timezone.now() + timedelta(days=settings.ANEF_APPOINTMENT_ASSIGN_AFTER_DAYS),
    )
    record_event(
        application=application,
        kind=EventKind.APPOINTMENT_INVITE,
        actor=actor,
        payload={"appointment": kind, "invitation": invitation.pk},
    )
    return invitation


def _live_offers():
    """Waiting-list offers still holding their seat (OFFER_VALID_HOURS after they were made)."""
    return WaitlistEntry.objects.filter(
        active=True, offered_at__gt=timezone.now() - timedelta(hours=OFFER_VALID_HOURS)
    ).exclude(offer_token="")


def free_slots(*, application: Application, kind: str, limit: int = 12, not_before=None):
    """The earliest free seats at the sites of the prefecture in charge, from tomorrow (a seat
    offered from the waiting list is kept for the person offered it while the offer holds)."""
    taken = Booking.objects.filter(slot=OuterRef("pk")).exclude(status=BookingStatus.CANCELLED)
    offered = _live_offers().filter(offered_slot=OuterRef("pk")).exclude(booking__application=application)
    tomorrow = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    if not_before is not None:
        tomorrow = max(tomorrow, not_before)
    if application.prefecture_id is None:  # a draft: no prefecture yet, so no counter
        return Slot.objects.none()
    return (
        Slot.objects.filter(
            site__prefecture_id=application.prefecture_id, kind=kind, blocked=False, starts_at__gte=tomorrow
        )
        .exclude(Exists(taken))
        .exclude(Exists(offered))
        .select_related("site", "counter")
        .order_by("starts_at", "pk")[:limit]
    )


def _check_slot(slot: Slot, application: Application, kind: str) -> None:
    if slot.kind != kind or slot.site.prefecture_id != application.prefecture_id or slot.blocked:
        raise ApplicationError(_("This slot cannot be booked for this appointment."))
    if slot.starts_at <= timezone.now():
        raise ApplicationError(_("This slot is in the past."))
    if _live_offers().filter(offered_slot=slot).exclude(booking__application=application).exists():
        raise SlotTaken()


def _require_acting_for_the_person(application: Application, actor: User) -> None:
    """The person (or a helper under their mandate), or a counter agent for a person their counter
    registered (who may have no account): anyone else is told the page does not exist."""
    kind = actor_kind(user=actor, application=application)
    if kind == Actor.APPLICANT or (kind == Actor.COUNTER and application.channel == Channel.COUNTER):
        return
    raise TransitionNotAllowed()


def _seat_taken(slot: Slot) -> bool:
    return Booking.objects.filter(slot=slot).exclude(status=BookingStatus.CANCELLED).exists()


def _book(
    *, application: Application, invitation: Invitation, slot: Slot, actor: User | None, assigned: bool, **extra
) -> Booking:
    """Give the seat to the file (the caller holds the invitation's and the application's locks and
    has checked the slot); the database refuses a seat held twice (IntegrityError)."""
    booking = Booking.objects.create(application=application, slot=slot, kind=invitation.kind, assigned=assigned)
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.USED, used_at=timezone.now())
    record_event(
        application=application,
        kind=EventKind.APPOINTMENT_ASSIGN if assigned else EventKind.APPOINTMENT_BOOK,
        actor=None if assigned else actor,
        payload=_booking_payload(booking, assigned=assigned, **extra),
    )
    return booking


def booking_book(*, token: str, slot_id: int, actor: User | None, assigned: bool = False) -> Booking:
    """Give a seat at once. The people's own choices go through `booking_request` and the draw;
    this serves the prefecture's assignments and the draw itself."""
    try:
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update(of=("self",)).get(token=token)
            application = lock_application(invitation.application_id)
            if not assigned:
                _require_acting_for_the_person(application, cast(User, actor))
            if invitation.status != Invitation.Status.OPEN:
                raise ApplicationError(_("This invitation was already used. See your appointment in your space."))
            slot = Slot.objects.select_related("site").get(pk=slot_id)
            _check_slot(slot, application, invitation.kind)
            booking = _book(application=application, invitation=invitation, slot=slot, actor=actor, assigned=assigned)
    except IntegrityError as exc:
        raise SlotTaken() from exc
    return booking


# The draw (decision 12): choices made within one window compete as equals.


def window_of(moment: datetime) -> datetime:
    """The start of the window of ANEF_APPOINTMENT_DRAW_MINUTES this moment falls in."""
    length = settings.ANEF_APPOINTMENT_DRAW_MINUTES * 60
    return datetime.fromtimestamp(int(moment.timestamp()) // length * length, tz=UTC)


def draw_order(requests, seed: str) -> list[int]:
    """The order in which a draw serves its requests: sorted by invitation (never by the moment of
    the click), then shuffled by a generator seeded with the recorded seed, so the draw replays."""
    ids = [r.pk for r in sorted(requests, key=lambda r: (r.invitation_id, r.pk))]
    random.Random(seed).shuffle(ids)  # noqa: S311 - reproducible by design; the seed comes from `secrets`
    return ids


def booking_request(*, token: str, slot_id: int, actor: User) -> BookingRequest:
    """Ask for a seat: it is allocated by the draw of the window the request falls in. Asking
    again replaces the choice, which then competes in the current window."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update(of=("self",)).get(token=token)
        application = lock_application(invitation.application_id)
        _require_acting_for_the_person(application, actor)
        if invitation.status != Invitation.Status.OPEN:
            raise ApplicationError(_("This invitation was already used. See your appointment in your space."))
        slot = Slot.objects.select_related("site").get(pk=slot_id)
        _check_slot(slot, application, invitation.kind)
        if _seat_taken(slot):
            raise SlotTaken()
        now = timezone.now()
        pending = (
            BookingRequest.objects.select_for_update(of=("self",))
            .filter(invitation=invitation, status=RequestStatus.PENDING)
            .first()
        )
        if pending is None:
            return BookingRequest.objects.create(
                invitation=invitation, slot=slot, window_start=window_of(now), requested_by=actor
            )
        BookingRequest.objects.filter(pk=pending.pk).update(
            slot=slot, window_start=window_of(now), requested_by=actor, created_at=now
        )
        pending.refresh_from_db()
        return pending


def draw_hold(*, prefecture_id: int, kind: str, window_start: datetime) -> Draw | None:
    """Allocate the seats asked for in one closed window, for one prefecture and kind: each request
    in the drawn order gets its seat, or else the nearest free one after it; if none is left, the
    person is told and their invitation stays open. None if this window was drawn already."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                draw = Draw.objects.create(
                    prefecture_id=prefecture_id, kind=kind, window_start=window_start, seed=secrets.token_hex(16)
                )
        except IntegrityError:
            return None
        candidates = BookingRequest.objects.filter(
            status=RequestStatus.PENDING,
            window_start=window_start,
            slot__site__prefecture_id=prefecture_id,
            slot__kind=kind,
        )
        draw.order = draw_order(list(candidates), draw.seed)
        Draw.objects.filter(pk=draw.pk).update(order=draw.order)
        for request_id in draw.order:
            _serve(request_id, draw)
    return draw


def _serve(request_id: int, draw: Draw) -> None:
    """One request of a draw, under the same locks as `booking_request` (invitation, application,
    request), taken in the same order."""
    invitation_id = BookingRequest.objects.values_list("invitation_id", flat=True).get(pk=request_id)
    invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation_id)
    application = lock_application(invitation.application_id)
    request = BookingRequest.objects.select_for_update(of=("self",)).select_related("slot__site").get(pk=request_id)
    if request.status != RequestStatus.PENDING or request.window_start != draw.window_start:
        return  # changed since: it competes in a later window
    if invitation.status != Invitation.Status.OPEN:
        BookingRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CANCELLED, draw=draw)
        return
    chosen = request.slot
    following = free_slots(application=application, kind=invitation.kind, limit=5, not_before=chosen.starts_at)
    for slot in [chosen, *(s for s in following if s.pk != chosen.pk)]:
        try:
            with transaction.atomic():
                _check_slot(slot, application, invitation.kind)
                booking = _book(
                    application=application,
                    invitation=invitation,
                    slot=slot,
                    actor=request.requested_by,
                    assigned=False,
                    draw=draw.pk,
                    chosen_taken=slot.pk != chosen.pk,
                )
        except (IntegrityError, ApplicationError):
            continue
        BookingRequest.objects.filter(pk=request.pk).update(status=RequestStatus.GRANTED, draw=draw, booking=booking)
        return
    BookingRequest.objects.filter(pk=request.pk).update(status=RequestStatus.UNSERVED, draw=draw)
    notify_reminder(
        kind="booking_unserved",
        application=application,
        key=f"booking-unserved:{request.pk}",
        booking_link=absolute(reverse("portal:booking", args=[invitation.token])),
    )


def _booking_payload(booking: Booking, **extra) -> dict:
    slot = booking.slot
    return {
        "booking": booking.pk,
        "appointment": booking.kind,
        "starts_at": timezone.localtime(slot.starts_at).strftime("%d/%m/%Y %H:%M"),
        "site": slot.site.name,
        "address": f"{slot.site.address_line}, {slot.site.postcode} {slot.site.city}",
        **extra,
    }


def _lock_booking(booking_id: int, actor: User, *, staff: bool = False) -> tuple[Booking, Application]:
    booking = Booking.objects.select_for_update(of=("self",)).select_related("slot__site").get(pk=booking_id)
    application = lock_application(booking.application_id)
    if not staff:
        _require_acting_for_the_person(application, actor)
    elif actor_kind(user=actor, application=application) not in (Actor.AGENT, Actor.COUNTER):
        raise TransitionNotAllowed()
    return booking, application


def booking_reschedule(*, booking_id: int, slot_id: int, actor: User) -> Booking:
    try:
        with transaction.atomic():
            booking, application = _lock_booking(booking_id, actor)
            if booking.status != BookingStatus.BOOKED:
                raise TransitionNotAllowed()
            if booking.slot.starts_at < timezone.now() + timedelta(days=RESCHEDULE_MIN_DAYS):
                raise ApplicationError(
                    _("An appointment can be changed up to two days before. Call or go to the prefecture.")
                )
            slot = Slot.objects.select_related("site").get(pk=slot_id)
            _check_slot(slot, application, booking.kind)
            Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
            new = Booking.objects.create(application=application, slot=slot, kind=booking.kind)
            record_event(
                application=application,
                kind=EventKind.APPOINTMENT_RESCHEDULE,
                actor=actor,
                payload=_booking_payload(new, previous=booking.pk),
            )
            WaitlistEntry.objects.filter(booking=booking).update(booking=new)
            waitlist_offer(slot=booking.slot)
    except IntegrityError as exc:
        raise SlotTaken() from exc
    return new


def booking_cancel(*, booking_id: int, actor: User) -> Invitation | None:
    """Cancel; the file still needs its appointment, so a new invitation follows at once."""
    with transaction.atomic():
        booking, application = _lock_booking(booking_id, actor)
        if booking.status != BookingStatus.BOOKED:
            raise TransitionNotAllowed()
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
        record_event(
            application=application,
            kind=EventKind.APPOINTMENT_CANCEL,
            actor=actor,
            payload=_booking_payload(booking),
        )
        WaitlistEntry.objects.filter(booking=booking).update(active=False)
        waitlist_offer(slot=booking.slot)
        return invitation_create(application=application, kind=booking.kind, actor=actor)


def _presence_too_early(booking: Booking, presence: str) -> bool:
    """Present from the day of the appointment (a person may come early that day); absent only once
    it has begun; excused at any time (the person warned the prefecture)."""
    starts_at = booking.slot.starts_at
    if presence == BookingStatus.ATTENDED:
        return timezone.localdate() < timezone.localtime(starts_at).date()
    if presence == BookingStatus.ABSENT:
        return timezone.now() < starts_at
    return False


def booking_mark(*, booking_id: int, presence: str, actor: User) -> Booking:
    """At the counter: present, absent or excused. A card handed over closes the file. A handover
    that went unrecorded is reconciled the same way, later."""
    if presence not in (BookingStatus.ATTENDED, BookingStatus.ABSENT, BookingStatus.EXCUSED):
        raise ApplicationError(_("Choose present, absent or excused."))
    with transaction.atomic():
        booking, application = _lock_booking(booking_id, actor, staff=True)
        if booking.status not in (BookingStatus.BOOKED, BookingStatus.UNRECORDED):
            raise ApplicationError(_("This appointment is already recorded."))
        if _presence_too_early(booking, presence):
            raise ApplicationError(
                _("This appointment has not taken place yet: presence is recorded on the day, absence once it began.")
            )
        Booking.objects.filter(pk=booking.pk).update(status=presence)
        record_event(
            application=application,
            kind=EventKind.APPOINTMENT_PRESENCE,
            actor=actor,
            payload=_booking_payload(booking, presence=presence),
        )
        if presence == BookingStatus.ATTENDED and booking.kind == Kind.CARD_HANDOVER:
            transition(application=application, event=EventKind.DELIVER_CARD, actor=actor)
        elif presence != BookingStatus.ATTENDED and booking.status == BookingStatus.BOOKED:
            invitation_create(application=application, kind=booking.kind, actor=actor)
        booking.refresh_from_db()
    return booking


def _release(booking: Booking, application: Application, actor: User | None, **extra) -> None:
    """Free a booked seat the file no longer needs: the person is told, the waiting list offered it."""
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    record_event(
        application=application,
        kind=EventKind.APPOINTMENT_CANCEL,
        actor=actor,
        payload=_booking_payload(booking, **extra),
    )
    WaitlistEntry.objects.filter(booking=booking).update(active=False)
    waitlist_offer(slot=booking.slot)


def appointments_release(*, application: Application, actor: User | None) -> int:
    """The file is over (withdrawn, refused, closed, card handed over): its open invitations, its
    requests waiting for a draw and its booked seats are released (inside the move's transaction)."""
    Invitation.objects.filter(application=application, status=Invitation.Status.OPEN).update(
        status=Invitation.Status.CANCELLED
    )
    BookingRequest.objects.filter(invitation__application=application, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED
    )
    booked = list(
        Booking.objects.filter(application=application, status=BookingStatus.BOOKED).select_related("slot__site")
    )
    for booking in booked:
        _release(booking, application, actor, released=True)
    return len(booked)


def appointments_follow_transfer(*, application: Application, actor: User | None) -> list[Invitation]:
    """The file moved to another prefecture (inside the transfer's transaction): seats booked or
    asked for at the old one are released, and the person is invited to book at the new one."""
    elsewhere = ~models.Q(slot__site__prefecture_id=application.prefecture_id)
    BookingRequest.objects.filter(elsewhere, invitation__application=application, status=RequestStatus.PENDING).update(
        status=RequestStatus.CANCELLED
    )
    invitations = []
    for booking in Booking.objects.filter(
        elsewhere, application=application, status=BookingStatus.BOOKED
    ).select_related("slot__site"):
        _release(booking, application, actor, transferred=True)
        invitation = invitation_create(application=application, kind=booking.kind, actor=None)
        if invitation is not None:
            invitations.append(invitation)
    return invitations


def biometrics_invite(*, application_id: int, actor: User) -> Invitation | None:
    """An agent invites the person to the biometrics appointment again (a file accepted before the
    card waited for them, or whose invitation was lost): only while they are not recorded."""

    with transaction.atomic():
        application = lock_application(application_id)
        if actor_kind(user=actor, application=application) not in (Actor.AGENT, Actor.COUNTER):
            raise TransitionNotAllowed()
        if (
            not application.procedure.biometrics
            or biometrics_recorded(application)
            or application.state not in BIOMETRICS_INVITE_STATES
        ):
            raise ApplicationError(_("No biometrics appointment is due for this file."))
        return invitation_create(application=application, kind=Kind.BIOMETRICS, actor=actor)


MAX_OFFERS = 3


def waitlist_join(*, booking_id: int, actor: User) -> WaitlistEntry:
    with transaction.atomic():
        booking, _application = _lock_booking(booking_id, actor)
        if booking.status != BookingStatus.BOOKED:
            raise TransitionNotAllowed()
        entry, _created = WaitlistEntry.objects.get_or_create(booking=booking)
        return entry


def waitlist_offer(*, slot: Slot) -> WaitlistEntry | None:
    """Offer a freed seat to the first person waiting for an earlier one (same kind, same
    prefecture, a later booking, no offer pending, not let pass before), a limited number of times
    per person. The offer holds for OFFER_VALID_HOURS, then passes to the next person (sweep)."""
    now = timezone.now()
    if slot.starts_at < now + timedelta(hours=OFFER_VALID_HOURS) or slot.blocked:
        return None
    if Booking.objects.filter(slot=slot).exclude(status=BookingStatus.CANCELLED).exists():
        return None
    if _live_offers().filter(offered_slot=slot).exists():
        return None  # already offered to someone, who has it until the offer lapses
    candidates = (
        WaitlistEntry.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            active=True,
            offer_token="",
            offers_made__lt=MAX_OFFERS,
            booking__status=BookingStatus.BOOKED,
            booking__kind=slot.kind,
            booking__slot__starts_at__gt=slot.starts_at,
            booking__application__prefecture_id=slot.site.prefecture_id,
        )
        .select_related("booking__application")
        .order_by("created_at", "pk")[:50]
    )
    entry = next((e for e in candidates if slot.pk not in e.passed_slots), None)
    if entry is None:
        return None
    token = new_token()
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        offered_slot=slot, offer_token=token, offered_at=now, offers_made=entry.offers_made + 1
    )
    application = lock_application(entry.booking.application_id)
    record_event(
        application=application,
        kind=EventKind.APPOINTMENT_OFFER,
        actor=None,
        payload={
            **_booking_payload(Booking(slot=slot, kind=slot.kind, pk=entry.booking_id)),
            "offer": token,
            "valid_until": (now + timedelta(hours=OFFER_VALID_HOURS)).isoformat(),
        },
    )
    return entry


def waitlist_pass_on(*, entry_id: int) -> WaitlistEntry | None:
    """An offer not taken in time lapses: the person keeps their appointment and their place in the
    list, never gets this slot again, and the slot goes to the next person waiting."""
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(
                pk=entry_id,
                offered_at__lte=timezone.now() - timedelta(hours=OFFER_VALID_HOURS),
            )
            .exclude(offer_token="")
            .first()
        )
        if entry is None:
            return None
        slot = (
            Slot.objects.select_related("site").filter(pk=entry.offered_slot_id).first()
            if entry.offered_slot_id is not None
            else None
        )
        passed = [*entry.passed_slots, *([slot.pk] if slot else [])]
        WaitlistEntry.objects.filter(pk=entry.pk).update(
            offer_token="", offered_slot=None, offered_at=None, passed_slots=passed
        )
        return waitlist_offer(slot=slot) if slot else None


def waitlist_accept(*, token: str, actor: User) -> Booking:
    """Take the offered earlier slot, if it is still free."""
    try:
        with transaction.atomic():
            entry = (
                WaitlistEntry.objects.select_for_update(of=("self",))
                .select_related("booking")
                .filter(offer_token=token, active=True)
                .first()
            )
            if entry is None or not _live_offers().filter(pk=entry.pk).exists():
                raise ApplicationError(
                    _("This offer has lapsed: it was valid for 24 hours. Your appointment is unchanged.")
                )
            booking, application = _lock_booking(entry.booking_id, actor)
            slot = Slot.objects.select_related("site").get(pk=cast(int, entry.offered_slot_id))  # an offer names it
            _check_slot(slot, application, booking.kind)
            Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
            new = Booking.objects.create(application=application, slot=slot, kind=booking.kind)
            WaitlistEntry.objects.filter(pk=entry.pk).update(active=False, offer_token="")
            record_event(
                application=application,
                kind=EventKind.APPOINTMENT_RESCHEDULE,
                actor=actor,
                payload=_booking_payload(new, previous=booking.pk, from_waiting_list=True),
            )
            waitlist_offer(slot=booking.slot)  # the seat given back goes to the next person
    except IntegrityError as exc:
        raise SlotTaken() from exc
    return new
