"""A first visit weighs less than 200 kB as transferred: the page compressed by the server, with every
stylesheet, script, font and image it references as WhiteNoise serves them (their .br or .gz copy made by
collectstatic), nothing cached. A cheap phone on a slow network shows the service in seconds."""

import gzip
import re
from pathlib import PurePosixPath

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from whitenoise.compress import Compressor

from anef.testing import draft, make_applicant, submitted

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 200_000
# A browser fetches a font face only for text set in it: these pages use Marianne's regular, medium and
# bold faces (the browser test test_the_first_pages_fetch_only_the_fonts_the_budget_counts checks it in
# Chromium), in the first format the stylesheet offers, WOFF2.
FONT_FACES = ("Marianne-Regular.woff2", "Marianne-Medium.woff2", "Marianne-Bold.woff2")
ACCEPT_ENCODING = "gzip, deflate, br"
_COMPRESSOR = Compressor(quiet=True)


def served_bytes(path: str) -> int:
    """What WhiteNoise sends for a static file to a browser accepting Brotli: the .br copy that
    collectstatic writes when compression pays, else the .gz one, else the file itself."""
    with open(path, "rb") as handle:
        data = handle.read()
    if not _COMPRESSOR.should_compress(path):
        return len(data)
    for compress in (_COMPRESSOR.compress_brotli, _COMPRESSOR.compress_gzip):
        compressed = compress(data)
        if len(compressed) <= 0.95 * len(data):
            return len(compressed)
    return len(data)


def _static_path(url: str) -> str:
    assert url.startswith("/static/"), url
    found = finders.find(url.removeprefix("/static/").split("?")[0].split("#")[0])
    assert found, f"{url} is referenced but not found"
    return found


def referenced_assets(html: str) -> set[str]:
    """The static files a browser fetches for the page: its stylesheets with what they reference, its
    module script, its images and icon."""
    urls = set(re.findall(r'<link rel="stylesheet"\s+href="([^"]+)"', html))
    urls |= set(re.findall(r'<script type="module"\s+src="([^"]+)"', html))  # (modern browsers skip nomodule)
    urls |= set(re.findall(r'<img[^>]*\ssrc="(/static/[^"]+)"', html))
    urls |= set(re.findall(r'<link rel="icon"\s+href="([^"]+)"', html))
    for stylesheet in [url for url in urls if url.endswith(".css")]:
        with open(_static_path(stylesheet), encoding="utf-8") as handle:
            css = handle.read()
        folder = PurePosixPath(stylesheet).parent
        for link in re.findall(r"""url\(["']?([^"')]+)["']?\)""", css):
            if link.startswith("data:"):
                continue
            target = str(PurePosixPath(_normalise(folder / link)))
            if "/fonts/" in target and PurePosixPath(target).name not in FONT_FACES:
                continue  # the other faces and formats: not fetched by these pages
            urls.add(target)
    return urls


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/" + "/".join(parts[1:])


def transferred(response) -> dict[str, int]:
    assert response.status_code == 200
    assert response.get("Content-Encoding") == "gzip", "the page itself is sent compressed"
    html = response.content
    sizes = {"page": len(html)}
    for url in referenced_assets(gzip.decompress(html).decode()):
        sizes[url] = served_bytes(_static_path(url))
    return sizes


@pytest.mark.parametrize("page", ["home", "sign-in", "dashboard"])
def test_the_first_applicant_pages_weigh_less_than_200_kb_as_transferred(client, page, record_property):
    if page == "dashboard":
        person = make_applicant()
        submitted(person)
        draft(person, "change-of-address")
        client.force_login(person.user)
    url = {
        "home": reverse("public:home"),
        "sign-in": reverse("account_login"),
        "dashboard": reverse("portal:dashboard"),
    }

    sizes = transferred(client.get(url[page], HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING))

    total = sum(sizes.values())
    record_property("page weight", f"{page}: {total / 1000:.1f} kB transferred in {len(sizes)} responses")
    assert any(name.endswith(".woff2") for name in sizes) and any(name.endswith(".js") for name in sizes), sizes
    detail = "\n".join(f"{size:>8} {name}" for name, size in sorted(sizes.items(), key=lambda item: -item[1]))
    assert total <= BUDGET_BYTES, f"{page}: {total} bytes transferred, over the budget of {BUDGET_BYTES}:\n{detail}"


def test_the_trimmed_dsfr_stylesheet_keeps_the_rules_of_the_classes_we_use_only():
    with open(_static_path("/static/dsfr/dist/anef/dsfr.min.css"), encoding="utf-8") as handle:
        css = handle.read()

    assert ".fr-header__brand" in css and ".fr-btn--secondary" in css and ".fr-icon-account-line" in css
    assert ".fr-modal--opened" in css  # added by the DSFR script to the header's menu, named in no template
    assert ".fr-badge--success" in css  # fr-badge--{{ kind }} in a template keeps every badge
    assert ".fr-icon-ancient-gate-fill" not in css and ".fr-tabs__list" not in css
