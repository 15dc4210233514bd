"""Everything a person reads in the demo, in French and in English, reads as written for people:
every page each demo account (and a visitor) can reach, every PDF those pages link to, and every
mail, text message and letter the demo sent. A date in ISO form, a number written for a machine
("600.0", "75.00 €" in French), a code instead of words ("deliver_card", "has_job"), French text in
an English page, or an ordinary space before a French colon fails the walk (anef/testing/reading.py).
"""

import io
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from pypdf import PdfReader

from anef.accounts.models import User
from anef.demo.data import DOMAIN, seed_demo
from anef.notifications.constants import Channel
from anef.notifications.models import Notification
from anef.testing.reading import page_problems, text_problems

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NOT_FOLLOWED = re.compile(r"^/(static|media)/|logout|deconnexion|/export|/api/|i18n/")
LINK = re.compile(r'href="(/[^"#]*)"')
PAGES_PER_ACCOUNT = 300
# Pages of the same view read alike: a few of each are enough (the walk stays within minutes).
PER_VIEW = 3


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def walk(client: Client, language: str) -> tuple[int, dict[str, list[str]]]:
    seen, found, per_view = set(), {}, Counter()
    queue = deque(["/"])
    while queue and len(seen) < PAGES_PER_ACCOUNT:
        url = queue.popleft()
        if url in seen or NOT_FOLLOWED.search(url):
            continue
        seen.add(url)
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        per_view[view] += 1
        if per_view[view] > PER_VIEW:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        kind = response["Content-Type"]
        if kind.startswith("text/html"):
            html = response.content.decode()
            if problems := page_problems(html, language):
                found[url] = problems
            queue.extend(link.replace("&amp;", "&") for link in LINK.findall(html))
        elif kind.startswith("application/pdf"):
            content = b"".join(response.streaming_content) if response.streaming else response.content
            # Issued documents are bilingual (French with the English below): only the checks that do
            # not depend on the language apply (their French spacing is written in the template).
            problems = text_problems(pdf_text(content), language)
            if problems := [p for p in problems if not p.startswith(("French in", "English in", "French spacing"))]:
                found[url] = problems
    return len(seen), found


def test_every_page_and_pdf_of_the_demo_reads_as_written_for_people_in_both_languages():
    assert seed_demo()
    accounts = [None, *User.objects.filter(email__endswith=DOMAIN).order_by("pk")]
    report = {}
    for language in ("fr", "en"):
        for user in accounts:
            client = Client()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            if user is not None:
                client.force_login(user)
            count, found = walk(client, language)
            assert count >= 5, (user, language)
            report.update({(language, getattr(user, "email", "visitor"), url): p for url, p in found.items()})
    assert not report, "\n".join(f"{key}: {problems}" for key, problems in report.items())


def test_every_message_the_demo_sent_reads_as_written_for_people():
    assert seed_demo()
    found = {}
    for notification in Notification.objects.exclude(channel=Channel.LETTER):
        problems = text_problems(f"{notification.subject}\n{notification.body}", notification.language)
        if problems:
            found[(notification.kind, notification.channel, notification.language)] = problems
    assert not found, "\n".join(f"{key}: {problems}" for key, problems in found.items())
