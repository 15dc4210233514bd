"""200 invited files try to book 50 seats at the same moment: exactly 50 succeed, the others are
told there is no free slot, and no seat is held twice (PostgreSQL)."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from anef.appointments.models import Booking, Invitation, Slot
from anef.appointments.services import SlotTaken, booking_book, free_slots
from anef.testing import make_applicant, make_site_with_slots, make_staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_two_hundred_files_fifty_seats():
    from anef.applications import review
    from anef.testing import submitted

    site = make_site_with_slots(kinds=("biometrics",), days=14)
    tomorrow = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    bookable = Slot.objects.filter(site=site, starts_at__gte=tomorrow).order_by("starts_at", "pk")
    keep = list(bookable.values_list("pk", flat=True)[:50])
    Slot.objects.filter(site=site).exclude(pk__in=keep).delete()
    agent = make_staff()
    invitations = []
    for _ in range(200):
        application = submitted(make_applicant())
        review.application_start_review(application_id=application.pk, actor=agent)
        invitations.append(Invitation.objects.get(application=application, status="open"))
    barrier = threading.Barrier(20)

    def attempt(invitation):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        try:
            while True:
                choices = list(free_slots(application=invitation.application, kind="biometrics", limit=1))
                if not choices:
                    return "no free slot"
                try:
                    booking_book(
                        token=invitation.token, slot_id=choices[0].pk, actor=invitation.application.person.user
                    )
                    return "booked"
                except SlotTaken:
                    continue
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, invitations))

    assert outcomes.count("booked") == 50
    assert outcomes.count("no free slot") == 150
    held = Booking.objects.exclude(status="cancelled")
    assert held.count() == 50
    assert held.values("slot").distinct().count() == 50


def test_requests_made_at_the_same_moment_and_two_sweeps_at_once_give_each_seat_once_in_drawn_order():
    """30 files ask for the same seat at the same instant; two schedulers draw the window at once:
    one draw, each request served once, the 10 seats go to the first 10 of the drawn order."""
    from django.db.models import F

    from anef.appointments.constants import RequestStatus
    from anef.appointments.models import BookingRequest, Draw
    from anef.appointments.services import booking_request, draw_order
    from anef.appointments.sweeps import draw_booking_requests
    from anef.testing import invited, race, submitted

    site = make_site_with_slots(kinds=("biometrics",), days=14)
    keep = list(Slot.objects.filter(site=site).order_by("-starts_at").values_list("pk", flat=True)[:10])
    Slot.objects.filter(site=site).exclude(pk__in=keep).delete()
    wanted = Slot.objects.filter(pk__in=keep).order_by("starts_at").first()
    files = [submitted(make_applicant()) for _ in range(30)]
    invitations = [invited(application) for application in files]

    outcomes = race(
        [
            lambda i=i: booking_request(token=i.token, slot_id=wanted.pk, actor=i.application.person.user)
            for i in invitations
        ]
    )
    assert outcomes == ["ok"] * 30
    BookingRequest.objects.update(window_start=F("window_start") - timedelta(minutes=10))

    assert race([draw_booking_requests, draw_booking_requests]) == ["ok", "ok"]

    draw = Draw.objects.get()
    requests = list(BookingRequest.objects.all())
    assert draw.order == draw_order(requests, draw.seed)
    granted = set(BookingRequest.objects.filter(status=RequestStatus.GRANTED).values_list("pk", flat=True))
    assert granted == set(draw.order[:10])
    assert BookingRequest.objects.filter(status=RequestStatus.UNSERVED).count() == 20
    assert BookingRequest.objects.get(pk=draw.order[0]).booking.slot_id == wanted.pk
    held = Booking.objects.exclude(status="cancelled")
    assert held.count() == 10 and held.values("slot").distinct().count() == 10
