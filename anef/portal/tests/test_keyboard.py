"""The main journey with the keyboard alone: sign in, find a procedure, start it, answer the
eligibility questions, continue to the check and submit (the answers and documents of the draft
are prepared beforehand: file choosers are the operating system's own dialogs)."""

import pytest

from anef.applications.workflow import State
from anef.testing import PASSWORD, complete, make_applicant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, condition: str, limit: int = 250):
    """Press Tab until the focused element satisfies a JavaScript condition on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({condition}); }})()"):
            return
    raise AssertionError(f"never reached by Tab: {condition}")


def test_the_main_journey_with_the_keyboard_only(browser_context):
    person = make_applicant(language="en")
    page = browser_context(locale="en-GB")
    page.goto(page.base + "/compte/login/")
    tab_to(page, "el.name === 'login'")
    page.keyboard.type(person.user.email)
    tab_to(page, "el.name === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/espace/")

    tab_to(page, "el.getAttribute('href') === '/demarches/'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/demarches/")
    tab_to(page, "el.getAttribute('href') === '/demarches/student-renewal/'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/demarches/student-renewal/")
    tab_to(page, "el.tagName === 'BUTTON' && el.form && el.form.action.endsWith('/commencer/')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/eligibilite/")

    for name in ("enrolled", "resources"):
        tab_to(page, f"el.type === 'radio' && el.name === '{name}'")
        page.keyboard.press("Space")  # the first option of the group: Yes
        assert page.evaluate(f"document.querySelector('input[name={name}][value=yes]').checked")
    tab_to(page, "el.tagName === 'BUTTON' && el.type === 'submit' && el.closest('main')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/formulaire/")

    from anef.applications.models import Application

    application = complete(Application.objects.get(person=person))
    page.goto(page.base + f"/espace/dossiers/{application.reference}/verification/")
    tab_to(page, "el.tagName === 'BUTTON' && el.closest('main form')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/espace/dossiers/{application.reference}/depose/")  # the confirmation
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    # Focus is visible: the DSFR draws an outline on the focused element.
    tab_to(page, "el.tagName === 'A' && el.closest('main')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_on_a_phone_the_menu_opens_with_the_keyboard_and_without_javascript(browser_context):
    from anef.testing.browser import serious_violations, sign_in_with_session

    person = make_applicant(language="en")
    page = browser_context(locale="en-GB", width=360)
    sign_in_with_session(page, person.user)
    page.goto(page.base + "/espace/")
    documents = page.locator("#header-menu a[href='/espace/documents/']")
    assert not documents.is_visible()

    tab_to(page, "el.id === 'header-menu-button'")
    page.keyboard.press("Enter")
    documents.wait_for(state="visible")
    assert serious_violations(page) == []
    tab_to(page, "el.getAttribute('href') === '/espace/documents/'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/espace/documents/")

    # The same page without JavaScript: the navigation and the tools stay in the page, without the button.
    bare = page.context.browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    bare.add_cookies(page.context.cookies())
    plain = bare.new_page()
    plain.goto(page.base + "/espace/")
    assert plain.locator("#header-menu a[href='/espace/documents/']").is_visible()
    assert plain.locator(".fr-header__tools a[href='/espace/profil/']").is_visible()
    assert not plain.locator("#header-menu-button").is_visible()
    bare.close()
