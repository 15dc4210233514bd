from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from anef.applications.models import Application
from anef.applications.workflow import EventKind
from anef.appointments import sweeps
from anef.appointments.models import Booking, Invitation, Slot
from anef.appointments.services import booking_book, booking_cancel, free_slots, waitlist_accept, waitlist_join
from anef.notifications.models import Notification
from anef.testing import card_ready, invited, make_applicant, make_site_with_slots, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site():
    return make_site_with_slots(days=28)


def _book(application, index=0):
    invitation = invited(application)
    slot = list(free_slots(application=application, kind="biometrics", limit=200))[index]
    return booking_book(token=invitation.token, slot_id=slot.pk, actor=application.person.user)


def test_a_reminder_48_hours_before_is_sent_once_with_what_to_bring():
    application = submitted(make_applicant(language="en"))
    booking = _book(application)
    Slot.objects.filter(pk=booking.slot_id).update(starts_at=timezone.now() + timedelta(hours=30))

    assert sweeps.remind_appointments() == 1
    assert sweeps.remind_appointments() == 0
    reminder = Notification.objects.get(application=application, kind="appointment_reminder", channel="email")
    assert "passport" in reminder.body.lower()


def test_an_unanswered_invitation_gets_a_slot_assigned_a_week_ahead_and_the_person_is_told():
    application = submitted(make_applicant())
    invitation = invited(application)
    Invitation.objects.filter(pk=invitation.pk).update(assign_after=timezone.now() - timedelta(minutes=1))

    assert sweeps.assign_unanswered_invitations() == 1
    assert sweeps.assign_unanswered_invitations() == 0
    booking = Booking.objects.get(application=application)
    assert booking.assigned and booking.slot.starts_at >= timezone.now() + timedelta(days=6)
    assert Notification.objects.filter(application=application, kind="appointment_assign").exists()


def test_a_freed_slot_is_offered_to_the_waiting_list_in_order():
    early = submitted(make_applicant())
    first_waiting = submitted(make_applicant())
    second_waiting = submitted(make_applicant())
    early_booking = _book(early, 40)  # freed slots are offered when at least a day ahead
    late_1 = _book(first_waiting, 80)
    late_2 = _book(second_waiting, 81)
    waitlist_join(booking_id=late_1.pk, actor=first_waiting.person.user)
    waitlist_join(booking_id=late_2.pk, actor=second_waiting.person.user)

    booking_cancel(booking_id=early_booking.pk, actor=early.person.user)

    offer = first_waiting.events.get(kind=EventKind.APPOINTMENT_OFFER)
    assert not second_waiting.events.filter(kind=EventKind.APPOINTMENT_OFFER).exists()
    moved = waitlist_accept(token=offer.payload["offer"], actor=first_waiting.person.user)
    assert moved.slot_id == early_booking.slot_id
    # The seat given back goes to the next person waiting.
    assert second_waiting.events.filter(kind=EventKind.APPOINTMENT_OFFER).exists()


def test_an_uncollected_card_brings_a_new_invitation_and_notice_once_a_week():
    application = card_ready()
    Application.objects.filter(pk=application.pk).update(state_changed_at=timezone.now() - timedelta(days=30))

    assert sweeps.reinvite_uncollected_cards() == 1
    assert sweeps.reinvite_uncollected_cards() == 0
    assert Invitation.objects.filter(application=application, kind="card_handover", status="open").count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=7)):  # the next week: told again, once
        assert sweeps.reinvite_uncollected_cards() == 1
        assert sweeps.reinvite_uncollected_cards() == 0
    assert Notification.objects.filter(application=application, kind="card_uncollected").values("channel").distinct()


def test_an_unrecorded_handover_is_flagged_once_and_blocks_no_new_application():
    application = card_ready()
    invitation = application.invitations.get(kind="card_handover", status="open")
    slot = free_slots(application=application, kind="card_handover")[0]
    booking = booking_book(token=invitation.token, slot_id=slot.pk, actor=application.person.user)
    Slot.objects.filter(pk=booking.slot_id).update(
        starts_at=timezone.now() - timedelta(days=5), ends_at=timezone.now() - timedelta(days=5)
    )

    assert sweeps.flag_unrecorded_handovers() == 1
    assert sweeps.flag_unrecorded_handovers() == 0
    assert application.events.filter(kind=EventKind.HANDOVER_UNRECORDED).count() == 1
    assert Notification.objects.filter(application=application, kind="handover_unrecorded").exists()
    renewal = submitted(application.person, "student-first")  # the next application is not blocked
    assert renewal.state == "submitted"


def test_an_offer_not_taken_within_24_hours_passes_to_the_next_person_and_never_comes_back():
    from anef.appointments.models import WaitlistEntry
    from anef.appointments.sweeps import pass_on_lapsed_offers

    early = submitted(make_applicant())
    first_waiting = submitted(make_applicant(language="en"))
    second_waiting = submitted(make_applicant())
    early_booking = _book(early, 40)
    late_1 = _book(first_waiting, 80)
    late_2 = _book(second_waiting, 81)
    waitlist_join(booking_id=late_1.pk, actor=first_waiting.person.user)
    waitlist_join(booking_id=late_2.pk, actor=second_waiting.person.user)
    booking_cancel(booking_id=early_booking.pk, actor=early.person.user)
    offer = first_waiting.events.get(kind=EventKind.APPOINTMENT_OFFER)
    assert "kept for you for 24 hours" in Notification.objects.get(event=offer, channel="email").body

    assert pass_on_lapsed_offers() == 0  # still valid: nothing moves
    WaitlistEntry.objects.filter(booking=late_1).update(offered_at=timezone.now() - timedelta(hours=25))
    assert pass_on_lapsed_offers() == 1
    assert pass_on_lapsed_offers() == 0

    # The first person keeps their appointment and cannot take the lapsed offer any more.
    from anef.applications.errors import ApplicationError

    with pytest.raises(ApplicationError):
        waitlist_accept(token=offer.payload["offer"], actor=first_waiting.person.user)
    late_1.refresh_from_db()
    assert late_1.status == "booked"
    # The second person is offered the same seat and takes it.
    second_offer = second_waiting.events.get(kind=EventKind.APPOINTMENT_OFFER)
    moved = waitlist_accept(token=second_offer.payload["offer"], actor=second_waiting.person.user)
    assert moved.slot_id == early_booking.slot_id
    # If that seat is freed again, it is never offered again to the person who let it pass.
    entry = WaitlistEntry.objects.get(booking=late_1)
    assert early_booking.slot_id in entry.passed_slots
    booking_cancel(booking_id=moved.pk, actor=second_waiting.person.user)
    entry.refresh_from_db()
    assert entry.offer_token == "" and first_waiting.events.filter(kind=EventKind.APPOINTMENT_OFFER).count() == 1


def test_an_offered_seat_is_kept_for_the_person_offered_it_while_the_offer_holds():
    from anef.appointments.services import SlotTaken

    early = submitted(make_applicant())
    waiting = submitted(make_applicant())
    someone = submitted(make_applicant())
    early_booking = _book(early, 40)
    late = _book(waiting, 80)
    waitlist_join(booking_id=late.pk, actor=waiting.person.user)
    booking_cancel(booking_id=early_booking.pk, actor=early.person.user)
    assert waiting.events.filter(kind=EventKind.APPOINTMENT_OFFER).exists()

    invitation = invited(someone)
    assert early_booking.slot_id not in [s.pk for s in free_slots(application=someone, kind="biometrics", limit=500)]
    with pytest.raises(SlotTaken):
        booking_book(token=invitation.token, slot_id=early_booking.slot_id, actor=someone.person.user)
    # The person offered it sees it and can take it.
    assert early_booking.slot_id in [s.pk for s in free_slots(application=waiting, kind="biometrics", limit=500)]


def test_a_seat_freed_less_than_a_day_ahead_is_not_offered_from_the_waiting_list():
    early = submitted(make_applicant())
    waiting = submitted(make_applicant())
    early_booking = _book(early, 40)
    late = _book(waiting, 80)
    waitlist_join(booking_id=late.pk, actor=waiting.person.user)
    Slot.objects.filter(pk=early_booking.slot_id).update(
        starts_at=timezone.now() + timedelta(hours=5), ends_at=timezone.now() + timedelta(hours=5, minutes=20)
    )

    booking_cancel(booking_id=early_booking.pk, actor=early.person.user)

    assert not waiting.events.filter(kind=EventKind.APPOINTMENT_OFFER).exists()
