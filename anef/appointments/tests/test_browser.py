"""Invited applicant books and reschedules; the counter agent records the handover; the file closes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anef.testing import (
    appointment_day_came,
    card_ready,
    draw_once_windows_closed,
    make_site_with_slots,
    make_staff,
)
from anef.testing.browser import follow, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_slot_days_ahead(page, days):
    """Ask for slots from a later day, then click the first one (DSFR radios are drawn by labels)."""
    limit = timezone.localdate() + timedelta(days=days)
    page.fill("input[name=from]", limit.isoformat())
    follow(page.locator("button[form=slot-search]"))
    for radio in page.locator("input[name=slot]").all():
        label = page.locator(f"label[for={radio.get_attribute('id')}]")
        text = label.inner_text()
        day, month, year = text.split()[1].split("/")
        if (int(year), int(month), int(day)) >= (limit.year, limit.month, limit.day):
            label.click()
            return text
    raise AssertionError("no slot far enough")


def test_book_reschedule_and_hand_over(browser_context):
    make_site_with_slots(days=21)
    application = card_ready()

    page = browser_context()
    sign_in(page, application.person.user.email)
    page.goto(page.base + f"/espace/dossiers/{application.reference}/")
    violations = serious_violations(page)
    handover = application.invitations.get(kind="card_handover", status="open")
    follow(page.locator(f"a[href$='/espace/rendez-vous/{handover.token}/']"))
    violations += serious_violations(page)
    choose_slot_days_ahead(page, 4)
    follow(page.locator("main form button[type=submit]:not([form])"))
    assert page.locator("#request-pending").is_visible()
    assert draw_once_windows_closed() == 1
    page.goto(page.base + f"/espace/dossiers/{application.reference}/")
    follow(page.locator("a[href*='/rendez-vous/reservation/']").first)
    violations += serious_violations(page)
    chosen = choose_slot_days_ahead(page, 6)
    with page.expect_navigation():
        page.locator("button[name=reschedule]").click()
    booking = application.bookings.get(status="booked", kind="card_handover")
    assert booking.slot.starts_at.date() >= timezone.localdate() + timedelta(days=5)
    assert chosen.split()[1] in page.content()

    appointment_day_came(booking)
    booking.refresh_from_db()
    counter = make_staff(role="counter_agent")
    desk = browser_context()
    sign_in(desk, counter.email, counter.totp_secret)
    desk.goto(desk.base + f"/agents/rendez-vous/?day={timezone.localtime(booking.slot.starts_at).date().isoformat()}")
    violations += serious_violations(desk)
    with desk.expect_navigation():
        desk.locator("button[name=presence][value=attended]").click()
    application.refresh_from_db()
    assert application.state == "card_delivered", desk.locator("main").inner_text()[:1500]
    assert violations == []
