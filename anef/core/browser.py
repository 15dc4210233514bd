"""Browser-test helpers: Debian's Chromium through Playwright, and axe-core checks."""

import os

from axe_playwright_python.sync_playwright import Axe

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_axe = Axe()


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=os.environ.get("ANEF_BROWSER", "/usr/bin/chromium"), args=CHROMIUM_ARGS
    )


def serious_violations(page) -> list[str]:
    """axe-core violations of serious or critical impact on the current page, readable."""
    results = _axe.run(page, options={"resultTypes": ["violations"], "runOnly": ["wcag2a", "wcag2aa", "wcag21aa"]})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{page.url}: {violation['id']} ({violation['impact']}) at {targets}")
    return found
