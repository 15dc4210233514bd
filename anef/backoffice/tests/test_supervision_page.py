"""The supervision page: every list says what it holds, and its empty-state sentence shows only
when it holds nothing (never "no idle files" under a list of two)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.applications.models import Application
from anef.testing import make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db

SECTION = re.compile(r'<section class="anef-watch" id="(?P<id>[\w-]+)"[^>]*>(?P<body>.*?)</section>', re.S)
# How an empty-state sentence starts, in both languages.
SAYS_EMPTY = re.compile(r"^(No|None|Nothing|Every|Aucun|Aucune|Rien|Tous|Toutes|Chaque)\b")


def _sections(html: str) -> dict[str, dict]:
    sections = {}
    for match in SECTION.finditer(html):
        body = match["body"]
        tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S)
        table_rows = re.findall(r"<tr(?![^>]*anef-empty)[ >]", tbody[1]) if tbody else []
        rows = len(re.findall(r"<li[ >]", body)) + len(table_rows)
        sentences = [
            unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for text in re.findall(r"<(?:p|td)[^>]*>(.*?)</(?:p|td)>", body, re.S)
        ]
        sections[match["id"]] = {"rows": rows, "empty": body.count("anef-empty"), "sentences": sentences}
    return sections


def _check(html: str) -> dict[str, dict]:
    sections = _sections(html)
    assert {"backlog", "inquiries", "threads", "handovers", "idle", "unassigned", "expiring", "load"} <= set(sections)
    for name, section in sections.items():
        if section["rows"]:
            assert section["empty"] == 0, f"{name}: an empty-state sentence under a list of {section['rows']}"
            saying_empty = [text for text in section["sentences"] if SAYS_EMPTY.match(text)]
            assert not saying_empty, f"{name}: {saying_empty} reads as empty under a list of {section['rows']}"
        else:
            assert section["empty"] == 1, f"{name}: nothing listed and no sentence saying so"
    return sections


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_list_of_the_supervision_page_says_it_is_empty_only_when_it_is(client, language):
    supervisor = make_staff(role=Role.SUPERVISOR, prefecture_code="pref-69")
    client.force_login(supervisor)

    # Nothing waits: every list says so in its own words.
    quiet = _check(client.get(reverse("backoffice:supervision"), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert all(section["empty"] == 1 for name, section in quiet.items() if name != "load")

    # Two idle files (nobody took them either).
    for _ in range(2):
        idle = submitted(make_applicant(postcode="69003"))
        Application.objects.filter(pk=idle.pk).update(state_changed_at=timezone.now() - timedelta(days=40))
    busy = _check(client.get(reverse("backoffice:supervision"), HTTP_ACCEPT_LANGUAGE=language).content.decode())

    assert busy["idle"]["rows"] == 2 and busy["unassigned"]["rows"] == 2 and busy["backlog"]["rows"] == 1
    assert busy["inquiries"]["empty"] == 1 and busy["handovers"]["empty"] == 1
