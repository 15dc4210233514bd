"""Seats are given by a draw among the requests of one window (decision 12): the order of the clicks
buys nothing, the draw replays from its recorded seed, and everyone is told where they stand."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.applications.workflow import EventKind
from anef.appointments import sweeps
from anef.appointments.constants import RequestStatus
from anef.appointments.models import Booking, BookingRequest, Draw, Slot
from anef.appointments.services import booking_request, draw_order, free_slots, window_of
from anef.notifications.models import Notification
from anef.testing import draw_once_windows_closed, invited, make_applicant, make_site_with_slots, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return make_site_with_slots(kinds=("biometrics",), days=21)


def _invited_files(count, language="fr"):
    files = [submitted(make_applicant(language=language)) for _ in range(count)]
    return [(application, invited(application)) for application in files]


def _later_slots(application, count):
    slots = [
        s
        for s in free_slots(application=application, kind="biometrics", limit=300)
        if s.starts_at > timezone.now() + timedelta(days=3)
    ]
    return slots[:count]


def test_requests_of_one_window_are_served_in_the_drawn_order_not_the_order_of_the_clicks(site):
    files = _invited_files(4)
    wanted = _later_slots(files[0][0], 1)[0]
    # Everyone asks for the same seat; the last to click is the one invited first.
    for application, invitation in reversed(files):
        booking_request(token=invitation.token, slot_id=wanted.pk, actor=application.person.user)

    assert sweeps.draw_booking_requests() == 0  # the window is still open: nothing is given yet
    assert draw_once_windows_closed() == 1

    draw = Draw.objects.get()
    requests = list(BookingRequest.objects.all())
    # The draw replays from its seed, and the order of the clicks does not enter it.
    assert draw.order == draw_order(requests, draw.seed) == draw_order(list(reversed(requests)), draw.seed)
    winner = BookingRequest.objects.get(pk=draw.order[0])
    assert winner.booking.slot_id == wanted.pk
    # The others get the nearest free seats after it, in the drawn order, and are told so.
    others = [BookingRequest.objects.get(pk=pk) for pk in draw.order[1:]]
    starts = [r.booking.slot.starts_at for r in others]
    assert starts == sorted(starts) and all(s >= wanted.starts_at for s in starts)
    assert {r.status for r in BookingRequest.objects.all()} == {RequestStatus.GRANTED}
    booked = others[0].invitation.application.events.get(kind=EventKind.APPOINTMENT_BOOK)
    assert booked.payload["draw"] == draw.pk and booked.payload["chosen_taken"] is True
    email = Notification.objects.get(event=booked, channel="email")
    assert "tirage" in email.body  # French by default: the person reads why the slot differs


def test_a_request_made_again_competes_in_the_current_window(site):
    ((application, invitation),) = _invited_files(1)
    first, second = _later_slots(application, 2)
    earlier = booking_request(token=invitation.token, slot_id=first.pk, actor=application.person.user)
    BookingRequest.objects.filter(pk=earlier.pk).update(window_start=window_of(timezone.now() - timedelta(hours=1)))

    again = booking_request(token=invitation.token, slot_id=second.pk, actor=application.person.user)

    assert again.pk == earlier.pk and again.slot_id == second.pk
    assert again.window_start == window_of(timezone.now())
    assert sweeps.draw_booking_requests() == 0


def test_when_no_seat_is_left_the_person_is_told_and_the_invitation_stays_open(site):
    (first, first_invitation), (second, second_invitation) = _invited_files(2, language="en")
    last = Slot.objects.filter(site=site).order_by("-starts_at").first()
    Slot.objects.filter(site=site).exclude(pk=last.pk).delete()
    booking_request(token=first_invitation.token, slot_id=last.pk, actor=first.person.user)
    booking_request(token=second_invitation.token, slot_id=last.pk, actor=second.person.user)

    draw_once_windows_closed()

    assert Booking.objects.count() == 1
    loser = BookingRequest.objects.get(status=RequestStatus.UNSERVED)
    told = Notification.objects.get(application=loser.invitation.application, kind="booking_unserved", channel="email")
    assert "draw" in told.body and loser.invitation.token in told.body
    loser.invitation.refresh_from_db()
    assert loser.invitation.status == "open"


def test_the_person_asks_through_the_page_and_reads_the_result(client, site):
    ((application, invitation),) = _invited_files(1)
    client.force_login(application.person.user)
    url = reverse("portal:booking", args=[invitation.token])
    slot = list(client.get(url).context["slots"])[0]

    response = client.post(url, {"slot": slot.pk})

    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="request-pending"' in page and "tirage" in page  # French: "given by a draw"
    draw_once_windows_closed()
    detail = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert site.name in detail
    assert "déjà été utilisée" in client.get(url).content.decode()  # the invitation was used by the draw
