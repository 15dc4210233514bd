"""Appointments every person can reach: the counter acts for the people it registered, letters leave
in time, a file that ends or moves gives its seat back, presence is recorded only once the day has
come, and a handover nobody recorded is reconciled."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.accounts.models import Person
from anef.applications import review
from anef.applications.errors import ApplicationError
from anef.applications.kernel import lock_application, transition
from anef.applications.models import Application, Channel
from anef.applications.workflow import EventKind, State
from anef.appointments import sweeps
from anef.appointments.models import Booking, Invitation, Slot
from anef.appointments.services import booking_book, free_slots
from anef.notifications.models import Notification
from anef.territory.models import Prefecture
from anef.testing import (
    appointment_day_came,
    card_ready,
    draw_once_windows_closed,
    invited,
    make_applicant,
    make_site_with_slots,
    make_staff,
    paper_person,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site():
    return make_site_with_slots(days=28)


def _book(application, index=0):
    invitation = application.invitations.get(status=Invitation.Status.OPEN)
    slot = list(free_slots(application=application, kind=invitation.kind, limit=200))[index]
    return booking_book(token=invitation.token, slot_id=slot.pk, actor=application.person.user)


def _registered_at_the_counter():
    """A person without an account whose file the counter filed for them (by post only)."""
    application = submitted(paper_person())
    Application.objects.filter(pk=application.pk).update(channel=Channel.COUNTER)
    Person.objects.filter(pk=application.person_id).update(user=None)
    application.refresh_from_db()
    return application


def test_the_counter_books_moves_and_cancels_for_a_person_it_registered(client):
    counter = make_staff(role=Role.COUNTER_AGENT)
    application = _registered_at_the_counter()
    invitation = invited(application)
    client.force_login(counter)
    url = reverse("portal:booking", args=[invitation.token])
    far = (timezone.localdate() + timedelta(days=10)).isoformat()
    slots = list(client.get(url, {"from": far}).context["slots"])

    assert client.post(url, {"slot": slots[-1].pk}).status_code == 302
    draw_once_windows_closed()
    booking = Booking.objects.get(application=application, status="booked")
    assert booking.slot_id == slots[-1].pk
    assert application.events.get(kind=EventKind.APPOINTMENT_BOOK).actor == counter

    manage = reverse("portal:booking_manage", args=[booking.pk])
    later = [s for s in client.get(manage, {"from": far}).context["slots"] if s.pk != booking.slot_id][-1]
    assert client.post(manage, {"slot": later.pk, "reschedule": ""}).status_code == 302
    moved = Booking.objects.get(application=application, status="booked")
    assert moved.slot_id == later.pk
    assert client.post(reverse("portal:booking_manage", args=[moved.pk]), {"cancel": ""}).status_code == 302
    assert not Booking.objects.filter(application=application, status="booked").exists()
    # A person who came to another counter, or has their own account, is not the counter's to book for.
    someone = submitted(make_applicant())
    other = invited(someone)
    assert client.get(reverse("portal:booking", args=[other.token])).status_code == 404


def test_a_person_reached_by_post_gets_a_reminder_letter_in_time_for_the_post():
    by_post = submitted(paper_person())
    by_email = submitted(make_applicant())
    invited(by_post)
    invited(by_email)
    letter_booking = _book(by_post)
    email_booking = _book(by_email, 1)
    nine_days = timezone.now() + timedelta(days=9)
    for booking, delta in ((letter_booking, 0), (email_booking, 1)):
        Slot.objects.filter(pk=booking.slot_id).update(
            starts_at=nine_days + timedelta(minutes=delta), ends_at=nine_days + timedelta(minutes=20 + delta)
        )

    assert sweeps.remind_appointments() == 1  # the letter leaves now; the email waits for 48 hours
    letter = Notification.objects.get(application=by_post, kind="appointment_reminder")
    assert letter.channel == "letter"
    assert not Notification.objects.filter(application=by_email, kind="appointment_reminder").exists()
    Slot.objects.filter(pk=email_booking.slot_id).update(
        starts_at=timezone.now() + timedelta(hours=30), ends_at=timezone.now() + timedelta(hours=30, minutes=20)
    )
    assert sweeps.remind_appointments() == 1
    assert sweeps.remind_appointments() == 0


def test_a_withdrawn_file_gives_its_seat_back(client):
    application = submitted(make_applicant())
    invited(application)
    booking = _book(application)
    client.force_login(application.person.user)

    response = client.post(reverse("portal:withdraw", args=[application.reference]), {"confirm": "on"})

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert application.events.filter(kind=EventKind.APPOINTMENT_CANCEL).exists()
    newcomer = submitted(make_applicant())
    invited(newcomer)
    assert booking.slot_id in [s.pk for s in free_slots(application=newcomer, kind="biometrics", limit=500)]


def test_a_refused_file_gives_its_seat_back(client):
    application = submitted(make_applicant())
    invited(application)
    booking = _book(application)
    client.force_login(make_staff())

    client.post(
        reverse("backoffice:act", args=[application.reference, EventKind.REFUSE]),
        {"ground": "conditions_not_met", "text": "Les conditions ne sont pas remplies."},
    )

    application.refresh_from_db()
    booking.refresh_from_db()
    assert application.state == State.REFUSED and booking.status == "cancelled"
    assert not application.invitations.filter(status="open").exists()


def test_a_transferred_file_is_invited_at_the_new_prefecture_and_its_old_booking_cancelled(client):
    make_site_with_slots(prefecture_code="pref-33")
    application = submitted(make_applicant(language="en"))
    invited(application)
    booking = _book(application)
    client.force_login(make_staff())

    client.post(
        reverse("backoffice:act", args=[application.reference, EventKind.TRANSFER]),
        {"prefecture": Prefecture.objects.get(code="pref-33").pk, "reason": "The person moved to Bordeaux."},
    )

    application.refresh_from_db()
    booking.refresh_from_db()
    assert application.prefecture.code == "pref-33" and booking.status == "cancelled"
    invitation = application.invitations.get(status="open")
    slots = list(free_slots(application=application, kind=invitation.kind, limit=3))
    assert slots and all(s.site.prefecture.code == "pref-33" for s in slots)
    told = Notification.objects.filter(application=application, channel="email").values_list("kind", flat=True)
    assert {"transfer", "appointment_cancel", "appointment_invite"} <= set(told)


def test_presence_cannot_be_recorded_before_the_day_and_the_card_then_waits_for_the_fingerprints(client):
    application = submitted(make_applicant())
    agent = make_staff()
    invited(application, agent)
    review.application_accept(application_id=application.pk, actor=agent)
    booking = _book(application, 60)  # days ahead
    client.force_login(make_staff(role=Role.COUNTER_AGENT))
    day = timezone.localtime(booking.slot.starts_at).date().isoformat()

    page = client.get(reverse("backoffice:counter_day"), {"day": day}).content.decode()
    assert 'value="attended"' not in page
    client.post(reverse("backoffice:counter_day"), {"booking": booking.pk, "presence": "attended", "day": day})

    booking.refresh_from_db()
    assert booking.status == "booked"
    with pytest.raises(ApplicationError), transaction.atomic():
        transition(application=lock_application(application.pk), event=EventKind.ORDER_CARD, actor=agent)


def test_a_missed_collection_is_notified_again_with_a_link_to_book(client):
    application = card_ready(make_applicant(language="en"))
    booking = _book(application)
    appointment_day_came(booking)
    client.force_login(make_staff(role=Role.COUNTER_AGENT))
    day = timezone.localtime(booking.slot.starts_at).date().isoformat()

    client.post(reverse("backoffice:counter_day"), {"booking": booking.pk, "presence": "absent", "day": day})

    invitation = application.invitations.get(kind="card_handover", status="open")
    invite = application.events.filter(kind=EventKind.APPOINTMENT_INVITE).order_by("-sequence").first()
    notice = Notification.objects.get(event=invite, channel="email")
    assert invitation.token in notice.body
    # Three weeks on, still not collected: told again, each week.
    Application.objects.filter(pk=application.pk).update(state_changed_at=timezone.now() - timedelta(days=22))
    assert sweeps.reinvite_uncollected_cards() == 1


def test_an_unrecorded_handover_is_flagged_on_the_next_file_and_told_in_plain_words(client):
    application = card_ready(make_applicant(language="en"))
    booking = _book(application)
    Slot.objects.filter(pk=booking.slot_id).update(
        starts_at=timezone.now() - timedelta(days=5), ends_at=timezone.now() - timedelta(days=5)
    )
    assert sweeps.flag_unrecorded_handovers() == 1

    told = Notification.objects.get(application=application, kind="handover_unrecorded", channel="email")
    assert "If you collected your card: you have nothing to do" in told.body
    invitation = application.invitations.get(kind="card_handover", status="open")
    assert invitation.token in told.body  # the link books a new collection
    next_file = submitted(application.person, "student-first")
    agent = make_staff()
    client.force_login(agent)
    page = client.get(reverse("backoffice:case", args=[next_file.reference])).content.decode()
    assert f'id="unrecorded-handover-{booking.pk}"' in page and "Remise de titre jamais enregistrée" in page

    # The counter reconciles it: the card had been handed over; the flag goes and the file closes.
    client.force_login(make_staff(role=Role.COUNTER_AGENT))
    day = timezone.localtime(timezone.now() - timedelta(days=5)).date().isoformat()
    client.post(reverse("backoffice:counter_day"), {"booking": booking.pk, "presence": "attended", "day": day})
    application.refresh_from_db()
    assert application.state == State.CARD_DELIVERED
    assert not application.invitations.filter(status="open").exists()
    client.force_login(agent)
    page = client.get(reverse("backoffice:case", args=[next_file.reference])).content.decode()
    assert "unrecorded-handover-" not in page
