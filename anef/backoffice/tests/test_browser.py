"""An agent's day in a real browser: second factor, take a file, ask, read the answer, accept."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from anef.testing import make_applicant, make_staff, pdf_bytes, submitted
from anef.testing.browser import follow, serious_violations
from anef.testing.browser import sign_in as shared_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page):
    page.violations.extend(serious_violations(page))


def sign_in(page, email, totp_secret=None):
    shared_sign_in(page, email, totp_secret, on_second_factor=check)


def open_action(page, action):
    page.locator(f"details:has(form[action$='/{action}/']) > summary").click()


def test_an_agents_day(browser_context, tmp_path):
    application = submitted(make_applicant(postcode="69003"))
    agent = make_staff(prefecture_code="pref-69")
    applicant = application.person

    page = browser_context()
    sign_in(page, agent.email, agent.totp_secret)
    assert page.url.endswith("/agents/")
    check(page)
    follow(page.get_by_role("link", name=application.reference))
    check(page)
    follow(page.locator("form[action$='/take/'] button"))
    follow(page.locator("form[action$='/start_review/'] button"))
    assert "IN_REVIEW" in page.locator("main .fr-badge").first.inner_text().upper().replace(" ", "_") or (
        "INSTRUCTION" in page.locator("main .fr-badge").first.inner_text().upper()
    )

    open_action(page, "request_information")
    page.locator("input[name=documents][value=passport]").check(force=True)
    page.fill("textarea[name=other]", "Passeport lisible")
    page.fill("textarea[name=message]", "La copie du passeport est floue.")
    page.fill("input[name=deadline]", (timezone.localdate() + timedelta(days=20)).isoformat())
    check(page)
    follow(page.locator("form[action$='/request_information/'] button[type=submit]"))
    assert page.locator(".fr-alert--warning", has_text="Passeport lisible").count() == 1

    # The applicant, in their own browser, sends a new scan and answers.
    other = browser_context()
    sign_in(other, applicant.user.email)
    other.goto(other.base + f"/espace/dossiers/{application.reference}/")
    check(other)
    assert "Passeport lisible" in other.content()
    follow(other.locator("#request a[href$='/pieces/']"))
    pdf = tmp_path / "passport.pdf"
    pdf.write_bytes(pdf_bytes())
    section = other.locator("#doc-passport")
    section.locator("input[type=file]").set_input_files(str(pdf))
    follow(section.locator("button[type=submit]"))
    check(other)
    other.goto(other.base + f"/espace/dossiers/{application.reference}/")
    other.fill("textarea[name=answer]", "Nouvelle copie envoyée.")
    follow(other.locator("#request form:has(textarea[name=answer]) button[type=submit]"))
    check(other)

    # Back to the agent: the answer is there; accept.
    page.reload()
    assert "Nouvelle copie envoyée." in page.content()
    open_action(page, "accept")
    # No document was checked: the form lists them and asks for an explicit confirmation.
    assert page.locator("form[action$='/accept/'] .fr-alert--warning li").count() >= 1
    page.locator("input[name=confirm_unchecked]").check(force=True)
    follow(page.locator("form[action$='/accept/'] button[type=submit]"))
    badge = page.locator("main .fr-badge").first.inner_text()
    assert re.search("accept", badge, re.I)
    check(page)

    assert page.violations + other.violations == []
