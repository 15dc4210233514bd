"""FranceConnect in Chromium, end to end against the local OpenID Connect provider: the button on the
sign-in page, the provider's own sign-in page, the way back, signing out of both, the profile with the
verified identity, a password chosen, FranceConnect unlinked. axe-core checks each ANEF page."""

import pytest

from anef.accounts.models import User
from anef.testing.browser import follow, serious_violations
from local_oidc_provider.identities import PASSWORD as PROVIDER_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_up_with_franceconnect_sets_a_password_and_unlinks_it(browser_context, franceconnect):
    page = browser_context()
    page.goto(page.base + "/compte/login/")
    page.violations.extend(serious_violations(page))

    follow(page.locator("main button.fr-connect"))
    assert page.url.startswith(franceconnect.rsplit("/", 1)[0] + "/login/")  # the provider's own page
    page.fill("#id_username", "amira")
    page.fill("#id_password", PROVIDER_PASSWORD)
    follow(page.locator("button[type=submit]"))

    assert page.url == page.base + "/espace/"
    page.violations.extend(serious_violations(page))
    user = User.objects.get(email="amira.benali@franceconnect.example")
    assert user.person.identity_verified

    # Signing out of ANEF signs out of FranceConnect too: the next time, it asks again.
    follow(page.locator("header form[action='/compte/logout/'] button").first)
    assert page.url.startswith(page.base + "/?state=")  # our home page, back from the provider
    page.violations.extend(serious_violations(page))
    follow(page.locator("header a[href='/compte/login/']").first)
    follow(page.locator("main button.fr-connect"))
    assert page.locator("#id_username").count() == 1
    page.fill("#id_username", "amira")
    page.fill("#id_password", PROVIDER_PASSWORD)
    follow(page.locator("button[type=submit]"))
    assert page.url == page.base + "/espace/"

    follow(page.locator("header .fr-header__tools-links a[href='/espace/profil/']"))
    page.violations.extend(serious_violations(page))
    assert page.locator("#identity-verified").text_content().strip().startswith("Vérifiée par FranceConnect")
    assert page.locator("input[name=last_name]").is_disabled()
    assert page.locator("input[name=last_name]").input_value() == "BENALI"
    assert page.locator("form[action$='/franceconnect/dissocier/']").count() == 0  # no password yet

    follow(page.get_by_role("link", name="Choisir un mot de passe"))
    page.violations.extend(serious_violations(page))
    page.fill("input[name=password1]", "a-long-voyage-passphrase")
    page.fill("input[name=password2]", "a-long-voyage-passphrase")
    follow(page.locator("main form button[type=submit]"))

    page.goto(page.base + "/espace/profil/")
    follow(page.get_by_role("button", name="Dissocier FranceConnect"))
    page.violations.extend(serious_violations(page))
    assert "n’est plus lié à FranceConnect" in page.locator(".fr-alert").first.inner_text()
    assert page.locator("main button.fr-connect").count() == 1  # it can be linked again
    assert page.violations == []
