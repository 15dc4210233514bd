"""The "Personal data" page and the accessibility statement: reachable from every page's footer,
the retention table drawn from the settings in force."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from anef.accounts.constants import Role
from anef.testing import make_applicant, make_helper, make_staff

pytestmark = pytest.mark.django_db

DEFAULTS = {"drafts": 180, "closed_files": 730, "share_checks": 365, "staff_reads": 1825, "security_events": 365}


def _row(page: str, key: str) -> str:
    return re.search(rf'<tr id="retention-{key}">(.*?)</tr>', page, re.S).group(1)


def test_both_pages_are_linked_from_the_footer_of_every_page(client):
    page = client.get(reverse("public:catalogue")).content.decode()
    footer = page[page.index("<footer") :]
    assert 'class="fr-footer__bottom-list"' in footer
    assert f'href="{reverse("public:privacy")}"' in footer
    assert f'href="{reverse("public:accessibility")}"' in footer


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_the_privacy_page_shows_the_retention_periods_in_a_table_with_a_caption(client):
    response = client.get(reverse("public:privacy"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert re.search(r'<table id="retention-table">\s*<caption>', page)
    for key, days in DEFAULTS.items():
        assert f"{days} days" in _row(page, key)


@override_settings(ANEF_RETENTION_DAYS={**DEFAULTS, "drafts": 200, "closed_files": 1000})
def test_changing_a_setting_changes_the_privacy_page(client):
    page = client.get(reverse("public:privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "200 days" in _row(page, "drafts") and "180 days" not in _row(page, "drafts")
    assert "1000 days" in _row(page, "closed_files")
    assert "365 days" in _row(page, "share_checks")


def test_the_privacy_page_links_to_the_persons_rights_for_visitors_and_applicants(client):
    links = [reverse(name) for name in ("portal:data_export", "portal:profile", "portal:helpers", "portal:sharing")]
    page = client.get(reverse("public:privacy")).content.decode()
    assert all(f'href="{link}"' in page for link in links)

    client.force_login(make_applicant().user)
    page = client.get(reverse("public:privacy")).content.decode()
    assert all(f'href="{link}"' in page for link in links)


@pytest.mark.parametrize("who", ["agent", "helper"])
def test_staff_and_helpers_get_no_link_to_a_personal_space_they_do_not_have(client, who):
    client.force_login(make_staff(role=Role.CASE_AGENT) if who == "agent" else make_helper())

    page = client.get(reverse("public:privacy")).content.decode()

    assert f'href="{reverse("portal:data_export")}"' not in page
    assert client.get(reverse("portal:data_export")).status_code == 404  # why the link is hidden


def test_the_accessibility_statement_follows_the_rgaa_model(client):
    response = client.get(reverse("public:accessibility"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    for part in ("Compliance status", "not audited", "Non-accessible content", "Feedback and contact", "Remedies"):
        assert part in page, part
    assert "Défenseur des droits" in page and "Libre réponse 71120" in page
    assert "axe-core" in page and "320" in page and "200 %" in page
