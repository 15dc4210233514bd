"""A helper's journey and a counter journey in the browser, each ending with a submitted file, its
attestation and its timeline; the claim code attaches the counter file to a new account. axe on each page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from anef.accounts.models import Person
from anef.assistance.services import mandate_grant
from anef.procedures.models import Procedure
from anef.testing import make_applicant, make_helper, make_staff, pdf_bytes
from anef.testing.browser import choose, fill_procedure_form, follow, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_application(page, procedure, tmp_path, violations):
    if procedure.questions:
        for question in procedure.questions:
            choose(page, question["name"], "yes" if question["expected"] else "no")
        violations += serious_violations(page)
        follow(page.locator("main form button[name=continue]"))
    fill_procedure_form(page, procedure)
    violations += serious_violations(page)
    follow(page.locator("button[name=continue]"))
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(pdf_bytes())
    while page.locator("section.anef-doc-row:has(.fr-badge--warning)").count():
        section = page.locator("section.anef-doc-row:has(.fr-badge--warning)").first
        section.locator("input[type=file]").set_input_files(str(pdf))
        follow(section.locator("button[type=submit]"))
    violations += serious_violations(page)
    follow(page.locator("a.fr-btn[href$='/verification/']"))
    violations += serious_violations(page)
    follow(page.locator("main form button[type=submit]").last)
    return re.search(r"/(?:dossiers|guichet)/([A-Z0-9-]+)/", page.url).group(1)


def test_a_helper_files_for_a_person_under_a_mandate(browser_context, tmp_path):
    person = make_applicant(permit_expires_in_days=90)
    helper = make_helper()
    title = Procedure.objects.get(code="change-of-address").title  # in French, as the page shows it
    mandate_grant(person=person, helper_email=helper.email, ends_on=timezone.localdate() + timedelta(days=60))
    page = browser_context()
    sign_in(page, helper.email, helper.totp_secret)
    violations = serious_violations(page)
    page.locator("details:has(button) > summary").first.click()
    follow(page.locator("button", has_text=title).first)
    reference = fill_application(page, Procedure.objects.get(code="change-of-address"), tmp_path, violations)

    application = person.applications.get(reference=reference)
    assert application.state == "submitted"
    assert application.issued_documents.filter(type="attestation_depot").exists()
    page.goto(page.base + f"/espace/dossiers/{reference}/")  # from the confirmation, to the file's page
    assert "France Services Lyon 3" in page.content()  # the timeline says who did it
    violations += serious_violations(page)
    assert violations == []


def test_a_counter_filing_then_an_online_claim(browser_context, tmp_path):
    counter = make_staff(role="counter_agent")
    page = browser_context()
    sign_in(page, counter.email, counter.totp_secret)
    page.goto(page.base + "/agents/guichet/nouveau/")
    violations = serious_violations(page)
    for name, value in {
        "first_name": "Mamadou",
        "last_name": "Sylla",
        "date_of_birth": "1980-03-04",
        "address_line": "4 rue Paul Bert",
        "postcode": "69003",
        "city": "Lyon",
    }.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=nationality]", "GN")
    procedure = Procedure.objects.get(code="family-first")
    page.select_option("select[name=procedure]", str(procedure.pk))
    follow(page.locator("main form button[type=submit]"))
    reference = fill_application(page, procedure, tmp_path, violations)

    person = Person.objects.get(last_name="Sylla")
    application = person.applications.get(reference=reference)
    assert application.state == "submitted" and application.channel == "counter"
    page.goto(page.base + f"/agents/dossiers/{reference}/")
    violations += serious_violations(page)
    assert page.locator("a[href*='/documents-delivres/']").count() >= 2  # attestation and récépissé to print

    applicant = make_applicant()
    applicant.applications.all().delete()
    online = browser_context()
    sign_in(online, applicant.user.email)
    online.goto(online.base + "/espace/rattacher/")
    violations += serious_violations(online)
    online.fill("input[name=code]", person.claim_code)
    online.fill("input[name=birth_date]", "1980-03-04")
    follow(online.locator("main form button[type=submit]"))
    assert reference in online.content()
    online.goto(online.base + f"/espace/dossiers/{reference}/")
    assert online.locator("ol.anef-timeline li").count() >= 4
    violations += serious_violations(online)
    assert violations == []
