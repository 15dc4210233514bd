"""A holder creates a share code; an employer checks it on the public page. axe on every page."""

import re

import pytest

from anef.testing import PASSWORD, make_applicant
from anef.testing.browser import follow, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_holder_creates_a_code_and_an_employer_checks_it(browser_context):
    person = make_applicant(allows_work=True, permit_expires_in_days=200, permit_on_record=True)
    holder = browser_context()
    holder.goto(holder.base + "/compte/login/")
    holder.fill("input[name=login]", person.user.email)
    holder.fill("input[name=password]", PASSWORD)
    follow(holder.locator("main form button[type=submit]"))
    holder.goto(holder.base + "/espace/partage/")
    violations = serious_violations(holder)
    holder.locator("details:has(button[value=work]) > summary").click()
    assert holder.locator("details[open] .fr-alert--success").count() == 1  # the preview
    follow(holder.locator("button[value=work]"))
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}", holder.locator(".anef-code").first.inner_text()).group(0)
    violations += serious_violations(holder)

    employer = browser_context(locale="en-GB")
    employer.goto(employer.base + "/verifier-un-droit/")
    violations += serious_violations(employer)
    employer.fill("input[name=code]", code.lower())
    employer.fill("input[name=birth_date]", person.date_of_birth.isoformat())
    employer.fill("input[name=verifier]", "Garage Martin")
    follow(employer.locator("main form button[type=submit]"))
    assert person.full_name in employer.locator(".fr-alert--success").inner_text()
    violations += serious_violations(employer)
    employer.goto(employer.base + "/verifier/")
    violations += serious_violations(employer)

    holder.reload()
    assert "Garage Martin" in holder.content()
    assert violations == []
