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
