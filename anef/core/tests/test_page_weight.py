"""Pages are light enough for a phone on a poor connection: HTML + CSS + JS as transferred
(compressed; fonts aside) stay within a budget on the applicant's main pages."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from anef.testing import draft, make_applicant

pytestmark = pytest.mark.django_db

# First visit, nothing cached. The DSFR stylesheet is most of it; later pages reuse the cache.
BUDGET_BYTES = 200_000


def transferred(html: str) -> dict[str, int]:
    sizes = {"html": len(gzip.compress(html.encode()))}
    assets = re.findall(r'<link rel="stylesheet"\s+href="/static/([^"?]+)"', html)
    assets += re.findall(r'<script type="module"\s+src="/static/([^"?]+)"', html)
    for asset in assets:
        path = finders.find(asset)
        assert path, asset
        with open(path, "rb") as handle:
            sizes[asset] = len(gzip.compress(handle.read()))
    return sizes


@pytest.mark.parametrize("page", ["home", "catalogue", "dashboard", "form"])
def test_the_applicants_pages_stay_within_the_budget(client, page):
    person = make_applicant()
    client.force_login(person.user)
    application = draft(person)
    url = {
        "home": reverse("public:home"),
        "catalogue": reverse("public:catalogue"),
        "dashboard": reverse("portal:dashboard"),
        "form": reverse("portal:form", args=[application.reference]),
    }[page]

    sizes = transferred(client.get(url).content.decode())

    assert len(sizes) >= 4, sizes  # the HTML, the DSFR CSS and JS, our CSS were all counted
    assert sum(sizes.values()) <= BUDGET_BYTES, sizes
