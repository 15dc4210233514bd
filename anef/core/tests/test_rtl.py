"""Right-to-left readiness, proved with a test locale (no faithful Arabic translation yet): the page
declares dir="rtl" and the layout mirrors (logical CSS properties, DSFR's RTL support)."""

import pytest

from anef.testing.browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def arabic_test_locale(settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]
    settings.LANGUAGES_BIDI = ["ar"]


def test_the_layout_mirrors_for_a_right_to_left_language(browser_context, arabic_test_locale):
    page = browser_context(locale="ar")
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": page.base}])
    page.goto(page.base + "/demarches/")

    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    width = page.viewport_size["width"]
    brand = page.locator(".fr-header__brand").bounding_box()
    title = page.locator("main h1").bounding_box()
    assert brand["x"] + brand["width"] > width * 0.6, "the brand should sit on the right"
    assert title["x"] + title["width"] > width * 0.5
    assert serious_violations(page) == []
