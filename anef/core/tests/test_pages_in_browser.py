"""The main pages in Chromium: the DSFR script runs without an error, the header is compact on a phone and
its menu button opens the navigation, wide tables scroll in their own box, and the fonts a first visit
fetches are those the page-weight budget counts."""

import pytest
from django.utils import timezone

from anef.core.tests.test_page_weight import FONT_FACES
from anef.testing import draft, make_applicant, make_staff, submitted
from anef.testing.browser import sign_in_with_session
from anef.transparency.services import figures_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# At 375 px the DSFR's header (logo, menu button, service name and tagline) takes about 165 px.
PHONE_HEADER_MAX_PX = 240


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return errors


def main_pages(new_page, width: int):
    """(person's page, paths) for an anonymous visitor, an applicant with files and a case agent."""
    applicant = make_applicant()
    submitted(applicant)
    draft(applicant, "change-of-address")
    agent = make_staff()
    visitor = new_page(width=width)
    person = new_page(width=width)
    sign_in_with_session(person, applicant.user)
    staff = new_page(width=width)
    sign_in_with_session(staff, agent)
    return [(visitor, ["/", "/compte/login/", "/statistiques/"]), (person, ["/espace/"]), (staff, ["/agents/"])]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_main_pages_run_the_dsfr_script_without_an_error(browser_context, width):
    for page, paths in main_pages(browser_context, width):
        errors = watch_errors(page)
        for path in paths:
            page.goto(page.base + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.documentElement.getAttribute('data-fr-js')") == "true", path
            assert errors == [], f"{path}: {errors}"


def test_on_a_phone_the_content_starts_under_a_compact_header_and_the_menu_holds_the_tools(browser_context):
    for page, paths in main_pages(browser_context, 375):
        for path in paths:
            page.goto(page.base + path)
            page.wait_for_load_state("networkidle")
            top = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
            assert top <= PHONE_HEADER_MAX_PX, f"{path}: the content starts {top} px down"
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{path} scrolls sideways"
    visitor = browser_context(width=375)
    visitor.goto(visitor.base + "/")
    sign_in = visitor.locator("#header-menu a[href='/compte/login/']")
    assert not sign_in.is_visible()
    visitor.locator("#header-menu-button").click()
    sign_in.wait_for(state="visible")
    assert visitor.locator("#header-menu a[href='/demarches/']").is_visible()


def test_on_a_phone_the_statistics_table_scrolls_in_its_box_and_its_first_column_is_read_whole(browser_context):
    submitted(make_applicant())
    figures_record(day=timezone.localdate())
    page = browser_context(width=375)
    page.goto(page.base + "/statistiques/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    box = page.locator(".fr-table__container")
    assert box.evaluate("element => getComputedStyle(element).overflowX") == "auto"
    first = page.locator("tbody th").first.bounding_box()
    assert first["x"] + first["width"] <= box.bounding_box()["x"] + box.bounding_box()["width"]


def test_the_first_pages_fetch_only_the_fonts_the_budget_counts(browser_context):
    for page, paths in main_pages(browser_context, 375)[:2]:
        fonts: set[str] = set()
        page.on("request", lambda asked, seen=fonts: "/fonts/" in asked.url and seen.add(asked.url.split("/")[-1]))
        for path in paths:
            page.goto(page.base + path)
            page.wait_for_load_state("networkidle")
        assert fonts and fonts <= set(FONT_FACES), fonts
