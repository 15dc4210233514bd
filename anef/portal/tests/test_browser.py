"""The applicant's whole journey in a real browser, with an axe-core scan of each page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from anef.procedures.models import Procedure
from anef.testing import pdf_bytes
from anef.testing.browser import choose, fill_procedure_form, follow, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_context):
    return browser_context()


def visit_check(page):
    page.violations.extend(serious_violations(page))


def apply(page, code, tmp_path):
    procedure = Procedure.objects.get(code=code)
    page.goto(page.base + f"/demarches/{code}/")
    visit_check(page)
    follow(page.locator(f"form[action$='/demarches/{code}/commencer/'] button"))
    if procedure.questions:
        for question in procedure.questions:
            choose(page, question["name"], "yes" if question["expected"] else "no")
        visit_check(page)
        follow(page.locator("main form button[name=continue]"))
    fill_procedure_form(page, procedure)
    visit_check(page)
    follow(page.locator("button[name=continue]"))
    visit_check(page)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(pdf_bytes())
    while True:
        pending = page.locator("section.anef-doc-row:has(.fr-badge--warning)")
        if pending.count() == 0:
            break
        section = pending.first
        section.locator("input[type=file]").set_input_files(str(pdf))
        follow(section.locator("button[type=submit]"))
    visit_check(page)
    follow(page.locator("a.fr-btn[href$='/verification/']"))
    visit_check(page)
    assert page.locator("#error-summary").count() == 0
    follow(page.locator("main form button[type=submit]").last)
    reference = re.search(r"/dossiers/([A-Z0-9-]+)/", page.url).group(1)
    visit_check(page)
    return reference


def test_sign_up_verify_apply_twice_and_follow_both(page, tmp_path):
    base = page.base
    page.goto(base + "/")
    visit_check(page)
    follow(page.locator("header .fr-header__tools-links a[href='/compte/signup/']"))
    visit_check(page)
    page.fill("input[name=email]", "journey@example.org")
    page.fill("input[name=first_name]", "Awa")
    page.fill("input[name=last_name]", "Koné")
    page.select_option("select[name=preferred_language]", "fr")
    page.fill("input[name=password1]", "a-long-voyage-passphrase")
    page.fill("input[name=password2]", "a-long-voyage-passphrase")
    follow(page.locator("main form button[type=submit]"))
    visit_check(page)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(base + re.sub(r"^https?://[^/]+", "", link))
    visit_check(page)
    follow(page.locator("main form button[type=submit]"))
    assert "/espace/" in page.url
    visit_check(page)

    page.goto(base + "/espace/profil/")
    page.fill("input[name=date_of_birth]", "1996-02-29")
    page.select_option("select[name=nationality]", "CI")
    page.fill("input[name=address_line]", "8 rue Mercière")
    page.fill("input[name=postcode]", "69002")
    page.fill("input[name=city]", "Lyon")
    page.select_option("select[name=permit_type]", "student")
    page.fill("input[name=permit_number]", "6901112223")
    page.fill("input[name=permit_expires_on]", (timezone.localdate() + timedelta(days=80)).isoformat())
    visit_check(page)
    follow(page.locator("main form button[type=submit]"))
    visit_check(page)

    renewal = apply(page, "student-renewal", tmp_path)
    address = apply(page, "change-of-address", tmp_path)

    page.goto(base + "/espace/")
    visit_check(page)
    dashboard = page.content()
    assert renewal in dashboard and address in dashboard
    for reference in (renewal, address):
        page.goto(base + f"/espace/dossiers/{reference}/")
        timeline = page.locator("ol.anef-timeline li")
        assert timeline.count() >= 4
        badge = page.locator("main .fr-badge").first.inner_text().strip()
        assert badge.lower() in ("submitted", "déposée")
        visit_check(page)

    assert page.violations == []


def test_the_accessibility_check_does_report_a_serious_violation(page):
    """Guard against a scan that silently checks nothing."""
    page.set_content('<html lang="fr"><body><main><img src="x.png"><input type="text"></main></body></html>')
    found = serious_violations(page)
    assert any("image-alt" in item for item in found)
    assert any("label" in item for item in found)
