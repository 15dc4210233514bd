from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from anef.accounts.constants import Role
from anef.applications.errors import ApplicationError
from anef.applications.workflow import EventKind, State
from anef.appointments.models import Booking, Closure, Invitation, Slot
from anef.appointments.services import (
    SlotTaken,
    booking_book,
    booking_cancel,
    booking_mark,
    booking_reschedule,
    free_slots,
    slots_generate,
)
from anef.testing import (
    appointment_day_came,
    card_ready,
    draw_once_windows_closed,
    invited,
    make_applicant,
    make_site_with_slots,
    make_staff,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return make_site_with_slots(days=21)


def test_slots_skip_weekends_public_holidays_and_closures(site):
    Slot.objects.filter(site=site).delete()
    # 25 December 2026 is a Friday and a public holiday; the 24th is closed.
    Closure.objects.create(site=site, date=date(2026, 12, 24), reason="Strike")

    created = slots_generate(site=site, kind="biometrics", start=date(2026, 12, 21), end=date(2026, 12, 27))

    days = {timezone.localtime(s.starts_at).date() for s in Slot.objects.filter(site=site)}
    assert days == {date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23)}
    assert created == 3 * 9 * 2  # three mornings, nine 20-minute slots, two counters
    assert slots_generate(site=site, kind="biometrics", start=date(2026, 12, 21), end=date(2026, 12, 27)) == 0


def test_starting_the_review_of_a_biometrics_procedure_invites_the_file(site):
    application = submitted(make_applicant())
    invitation = invited(application)

    assert invitation.kind == "biometrics"
    assert application.events.filter(kind=EventKind.APPOINTMENT_INVITE).count() == 1


def test_book_then_reschedule_then_cancel_with_history(site):
    application = submitted(make_applicant())
    invitation = invited(application)
    user = application.person.user
    later = [
        s
        for s in free_slots(application=application, kind="biometrics", limit=200)
        if s.starts_at > timezone.now() + timedelta(days=3)
    ]
    first, second = later[:2]

    booking = booking_book(token=invitation.token, slot_id=first.pk, actor=user)
    moved = booking_reschedule(booking_id=booking.pk, slot_id=second.pk, actor=user)
    new_invitation = booking_cancel(booking_id=moved.pk, actor=user)

    assert new_invitation is not None and new_invitation.status == "open"
    kinds = list(application.events.filter(kind__startswith="appointment").values_list("kind", flat=True))
    assert kinds == [
        "appointment_invite",
        "appointment_book",
        "appointment_reschedule",
        "appointment_cancel",
        "appointment_invite",
    ]


def test_an_invitation_is_single_use_and_one_booking_per_purpose(site):
    application = submitted(make_applicant())
    invitation = invited(application)
    slots = list(free_slots(application=application, kind="biometrics"))
    booking_book(token=invitation.token, slot_id=slots[0].pk, actor=application.person.user)

    with translation.override("en"), pytest.raises(ApplicationError, match="already used"):
        booking_book(token=invitation.token, slot_id=slots[1].pk, actor=application.person.user)
    assert Booking.objects.filter(application=application).count() == 1


def test_a_seat_cannot_be_held_twice(site):
    first = submitted(make_applicant())
    second = submitted(make_applicant())
    slot = free_slots(application=first, kind="biometrics")[0]
    booking_book(token=invited(first).token, slot_id=slot.pk, actor=first.person.user)

    with pytest.raises(SlotTaken):
        booking_book(token=invited(second).token, slot_id=slot.pk, actor=second.person.user)
    assert slot not in list(free_slots(application=second, kind="biometrics"))


def test_rescheduling_is_refused_within_two_days(site):
    application = submitted(make_applicant())
    invitation = invited(application)
    soon = [
        s
        for s in free_slots(application=application, kind="biometrics", limit=100)
        if s.starts_at < timezone.now() + timedelta(days=2)
    ]
    if not soon:
        pytest.skip("no slot within two days this week (weekend)")
    booking = booking_book(token=invitation.token, slot_id=soon[0].pk, actor=application.person.user)
    later = list(free_slots(application=application, kind="biometrics", limit=100))[-1]

    with translation.override("en"), pytest.raises(ApplicationError, match="two days"):
        booking_reschedule(booking_id=booking.pk, slot_id=later.pk, actor=application.person.user)


def test_a_card_handed_over_at_the_counter_closes_the_file(site):
    application = card_ready()
    invitation = application.invitations.get(kind="card_handover", status="open")
    slot = free_slots(application=application, kind="card_handover")[0]
    booking = booking_book(token=invitation.token, slot_id=slot.pk, actor=application.person.user)

    appointment_day_came(booking)
    counter = make_staff(role=Role.COUNTER_AGENT)
    booking_mark(booking_id=booking.pk, presence="attended", actor=counter)

    application.refresh_from_db()
    assert application.state == State.CARD_DELIVERED
    assert not application.issued_documents.filter(type="attestation_decision_favorable", status="valid").exists()


def test_an_absent_person_is_invited_again(site):
    application = submitted(make_applicant())
    invitation = invited(application)
    booking = booking_book(
        token=invitation.token,
        slot_id=free_slots(application=application, kind="biometrics")[0].pk,
        actor=application.person.user,
    )
    appointment_day_came(booking)
    booking_mark(booking_id=booking.pk, presence="absent", actor=make_staff(role=Role.COUNTER_AGENT))
    assert Invitation.objects.filter(application=application, status="open").count() == 1


def test_without_the_invitation_or_with_someone_elses_link_nobody_books(client, site):
    application = submitted(make_applicant())
    invitation = invited(application)
    intruder = make_applicant()
    client.force_login(intruder.user)
    slot = free_slots(application=application, kind="biometrics")[0]

    assert client.get(reverse("portal:booking", args=[invitation.token])).status_code == 404
    assert client.post(reverse("portal:booking", args=[invitation.token]), {"slot": slot.pk}).status_code == 404
    assert client.get(reverse("portal:booking", args=["no-such-token"])).status_code == 404
    assert not Booking.objects.exists()


def test_the_applicant_books_through_the_page_and_the_counter_sees_it(client, site):
    application = submitted(make_applicant(language="en"))
    invitation = invited(application)
    client.force_login(application.person.user)
    page = client.get(reverse("portal:booking", args=[invitation.token]))
    slot = list(page.context["slots"])[0]

    response = client.post(reverse("portal:booking", args=[invitation.token]), {"slot": slot.pk})

    assert response.status_code == 302
    assert draw_once_windows_closed() == 1
    detail = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert site.name in detail
    counter = make_staff(role=Role.COUNTER_AGENT)
    client.force_login(counter)
    day = timezone.localtime(slot.starts_at).date().isoformat()
    assert application.person.full_name in client.get(reverse("backoffice:counter_day"), {"day": day}).content.decode()


def test_a_supervisor_publishes_slots_and_blocks_a_counter(client, site):
    from anef.appointments.models import Counter

    supervisor = make_staff(role=Role.SUPERVISOR)
    client.force_login(supervisor)
    start = timezone.localdate() + timedelta(days=40)
    client.post(
        reverse("backoffice:capacity"),
        {
            "site": site.pk,
            "kind": "biometrics",
            "start": start.isoformat(),
            "end": (start + timedelta(days=6)).isoformat(),
        },
    )
    published = Slot.objects.filter(site=site, starts_at__date__gte=start)
    assert published.count() == 5 * 9 * 2

    application = submitted(make_applicant())
    invitation = invited(application)
    monday = min(timezone.localtime(s.starts_at).date() for s in published)
    slot = published.filter(counter__name="Guichet 1").order_by("starts_at").first()
    booking_book(token=invitation.token, slot_id=slot.pk, actor=application.person.user)
    counter = Counter.objects.get(site=site, name="Guichet 1")
    client.post(reverse("backoffice:capacity"), {"action": "block", "counter": counter.pk, "day": monday.isoformat()})

    day_slots = Slot.objects.filter(counter=counter, starts_at__date=monday)
    assert day_slots.filter(blocked=True).count() == 8
    assert day_slots.filter(blocked=False).count() == 1  # the booked one is kept
    assert client.get(reverse("backoffice:capacity")).status_code == 200
    client.force_login(make_staff(role=Role.CASE_AGENT))
    assert client.get(reverse("backoffice:capacity")).status_code == 404
