"""The W3C Nu checker that the accessibility walks run does report errors, with the page they are on."""

import pytest

from anef.testing.nu import NuPages, jar

VALID = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p>Fine</p></body></html>'
INVALID = (
    '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
    '<p><time datetime="2026-12-04T15:27:33.086881+01:00">4 Dec</time></p><p id="a"></p><p id="a"></p>'
    "</body></html>"
)


@pytest.mark.skipif(jar() is None, reason="W3C Nu checker not installed (scripts/vnu.sh): SKIPPED")
def test_the_checker_reports_a_bad_time_and_a_duplicated_id_on_the_page_that_has_them():
    pages = NuPages()
    pages.add("/fine/", VALID)
    pages.add("/broken/", INVALID)

    errors = pages.check()

    assert len(errors) == 2 and all(error.startswith("/broken/ line") for error in errors), errors
    assert any("fraction of a second" in error for error in errors)
    assert any("Duplicate ID" in error for error in errors)
