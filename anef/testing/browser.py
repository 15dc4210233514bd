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


def sign_in_with_session(page, user) -> None:
    """Sign this person in on the page's browser context by handing it a session cookie, as the
    sign-in form would leave it (with allauth's record of a recent password and second factor, so
    pages that ask to confirm them open directly): much faster than typing through the forms."""
    import time

    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email, "reauthenticated": True},
        *([{"method": "mfa", "at": now, "type": "totp"}] if getattr(user, "totp_secret", None) else []),
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": page.base}])


def sign_in(page, email: str, totp_secret: str | None = None, *, on_second_factor=None) -> None:
    """Sign in through the forms, as a person would: password, then the TOTP code for staff and
    helpers. `on_second_factor(page)` runs on the code page (an accessibility check, say)."""
    from anef.testing import PASSWORD, totp_now

    page.goto(page.base + "/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    follow(page.locator("main form button[type=submit]"))
    if totp_secret:
        if on_second_factor is not None:
            on_second_factor(page)
        page.fill("input[name=code]", totp_now(totp_secret))
        follow(page.locator("main form button[type=submit]").first)


def follow(locator) -> None:
    """Click a link or a form's button and wait for the page it leads to: Playwright's click does
    not wait for the navigation, so reading the page right after could read the old one."""
    with locator.page.expect_navigation():
        locator.click()


def choose(page, name: str, value: str) -> None:
    """DSFR radios are drawn by their label, which is what a person clicks."""
    radio_id = page.locator(f"input[name={name}][value={value}]").get_attribute("id")
    page.click(f"label[for={radio_id}]")


def fill_procedure_form(page, procedure) -> None:
    """Fill the procedure's own form with valid answers (`form_answers`), as a person would."""
    from anef.testing import form_answers

    answers = form_answers(procedure)
    for field in procedure.fields:
        value = answers.get(field["name"])
        if value is None:
            continue
        if field["type"] == "boolean":
            choose(page, field["name"], "yes" if value else "no")
        elif field["type"] == "choice":
            page.select_option(f"select[name={field['name']}]", value)
        else:
            page.fill(f"[name={field['name']}]", str(value))
    if procedure.needs_stamp:
        page.fill("input[name=stamp_number]", "1234 5678 9012 3456")


_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`ANEF-CSP-VIOLATION ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def watch_csp(page) -> list[str]:
    """Collect the Content-Security-Policy violations of our pages (a blocked inline script, handler
    or style, or a resource from another origin): the fixture fails the test with them, so a page
    that silently lost its behaviour under the policy is seen. Each document reports its own
    violations (`securitypolicyviolation`), which leaves out Chromium's own PDF viewer, whose
    internal pages refuse to be framed and say so in the console."""
    found: list[str] = []
    page.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message) -> None:
        if message.text.startswith("ANEF-CSP-VIOLATION"):
            found.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return found
