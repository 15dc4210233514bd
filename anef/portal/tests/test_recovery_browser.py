"""Recovering an account by a code sent by text message, in a real browser, with an axe-core scan
of each page, without JavaScript needed by any step."""

import re

import pytest

from anef.notifications.sms import MemorySmsBackend
from anef.testing import make_applicant, run_queued_tasks
from anef.testing.browser import follow, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_sign_in_page_to_a_recovered_account_by_text_message(browser_context):
    MemorySmsBackend.outbox.clear()
    person = make_applicant(email="awa@example.org", language="en")
    person.phone = "06 12 34 56 78"
    person.save(update_fields=["phone"])
    page = browser_context(locale="en-GB")
    page.goto(page.base + "/compte/login/")
    follow(page.get_by_role("link", name="Lost access to your email or password?"))
    page.violations.extend(serious_violations(page))
    follow(page.get_by_role("link", name="Receive a code by text message"))
    page.violations.extend(serious_violations(page))
    page.fill("input[name=birth_date]", "1995-05-17")
    page.fill("input[name=phone]", "+33 6 12 34 56 78")
    follow(page.locator("main form button[type=submit]"))
    page.get_by_role("heading", name="Enter the code and choose your new details").wait_for()
    page.violations.extend(serious_violations(page))

    run_queued_tasks()  # the worker sends the text message
    ((_to, text),) = MemorySmsBackend.outbox.values()
    page.fill("input[name=code]", re.search(r"\b(\d{6})\b", text).group(1))
    page.fill("input[name=new_email]", "awa.new@example.org")
    page.fill("input[name=password1]", "Sunflower-Harbour-2026")
    page.fill("input[name=password2]", "Sunflower-Harbour-2026")
    follow(page.locator("main form button[type=submit]"))

    page.get_by_role("heading", name="Your account is recovered").wait_for()
    assert "awa.new@example.org" in page.locator("main").inner_text()
    page.violations.extend(serious_violations(page))
    assert page.violations == []
