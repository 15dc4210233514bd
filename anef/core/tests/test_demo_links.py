"""Every link of the demo leads somewhere, for every demo account and for a visitor: crawling the
pages each one can reach (same site, GET, HTML followed) meets no server error and no broken link."""

import re
from collections import deque

import pytest
from django.test import Client

from anef.accounts.models import User
from anef.core.demo import DOMAIN, seed_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NOT_FOLLOWED = re.compile(r"^/(static|media)/|logout|deconnexion")
LINK = re.compile(r'href="(/[^"#]*)"')
PAGES_PER_ACCOUNT = 400


def crawl(client: Client) -> tuple[int, list[tuple[str, int, str]]]:
    seen, problems = set(), []
    queue = deque([("/", "")])
    while queue and len(seen) < PAGES_PER_ACCOUNT:
        url, found_on = queue.popleft()
        if url in seen or NOT_FOLLOWED.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 400:
            problems.append((url, response.status_code, found_on))
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue.extend((link.replace("&amp;", "&"), url) for link in LINK.findall(response.content.decode()))
    return len(seen), problems


def test_every_link_of_the_demo_leads_somewhere_for_every_account():
    assert seed_demo()
    clients = {"visitor": Client()}
    for user in User.objects.filter(email__endswith=DOMAIN).order_by("pk"):
        clients[user.email] = Client()
        clients[user.email].force_login(user)

    report = {who: crawl(client) for who, client in clients.items()}

    broken = {who: problems for who, (_count, problems) in report.items() if problems}
    assert not broken, broken
    assert all(count >= 10 for count, _problems in report.values()), report
