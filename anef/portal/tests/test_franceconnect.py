"""FranceConnect through the pages, against the local OpenID Connect provider (local_oidc_provider/),
a real provider over HTTP: discovery, authorization code with PKCE and a nonce, token, signed ID
token and signed userinfo. Decision 0014 for the rules."""

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client
from django.urls import reverse

from anef.accounts.constants import IdentitySource, Role
from anef.accounts.franceconnect import PROVIDER_ID
from anef.accounts.models import Person, User
from anef.accounts.services import AccountError, person_update
from anef.security.constants import SecurityEventKind
from anef.security.models import SecurityEvent
from anef.testing import PASSWORD, draft, make_applicant, make_staff
from anef.testing.oidc import sign_in_at_provider
from local_oidc_provider.identities import IDENTITIES

pytestmark = pytest.mark.django_db
AMIRA = IDENTITIES["amira"]


def franceconnect_journey(client, username="amira", *, process="login"):
    """Press the FranceConnect button, sign in at the provider, come back: the last page reached."""
    leaving = client.post(reverse("portal:franceconnect_login"), {"process": process})
    assert leaving.status_code == 302, leaving.content[:500]
    return client.get(sign_in_at_provider(leaving["Location"], username), follow=True)


def events(kind, **filters):
    return SecurityEvent.objects.filter(kind=kind, **filters)


def person_like_amira(**changes) -> Person:
    person = make_applicant(email=changes.pop("email", None))
    values = {"first_name": "Amira", "last_name": "Benali", "date_of_birth": date(1991, 4, 12)} | changes
    Person.objects.filter(pk=person.pk).update(**values)
    person.refresh_from_db()
    return person


def test_a_first_sign_in_creates_an_applicant_account_with_the_identity_verified_by_franceconnect(franceconnect):
    client = Client()
    page = franceconnect_journey(client)

    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == reverse("portal:dashboard")
    user = User.objects.get(email=AMIRA["email"])
    assert user.role == Role.APPLICANT and not user.has_usable_password()
    person = user.person
    assert (person.first_name, person.last_name, person.date_of_birth) == ("Amira Salma", "BENALI", date(1991, 4, 12))
    assert person.identity_source == IdentitySource.FRANCECONNECT and person.identity_verified_at is not None
    assert SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).count() == 1
    assert events(SecurityEventKind.FRANCECONNECT_LINKED, user=user, details__new_account=True).count() == 1
    assert events(SecurityEventKind.FRANCECONNECT_SIGN_IN, user=user).count() == 1
    # FranceConnect's email is the identity provider's: confirmed by mail, without blocking the sign-in.
    assert [message.to for message in mail.outbox] == [[AMIRA["email"]]]
    assert not EmailAddress.objects.get(user=user).verified

    # The next time, the same account (no second one), a second sign-in event.
    again = Client()
    page = franceconnect_journey(again)
    assert page.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert int(again.session["_auth_user_id"]) == user.pk
    assert User.objects.filter(email=AMIRA["email"]).count() == 1
    assert events(SecurityEventKind.FRANCECONNECT_SIGN_IN, user=user).count() == 2


def test_signing_out_after_franceconnect_goes_through_its_end_session_address(franceconnect):
    client = Client()
    franceconnect_journey(client)

    leaving = client.post(reverse("account_logout"))

    query = parse_qs(urlsplit(leaving["Location"]).query)
    assert leaving["Location"].startswith(franceconnect + "/logout/")
    assert query["post_logout_redirect_uri"] == ["http://testserver/"] and query["state"][0]
    assert query["id_token_hint"][0].count(".") == 2  # the ID token FranceConnect gave
    assert "_auth_user_id" not in client.session


def test_signing_out_after_a_password_sign_in_stays_here(franceconnect):
    client = Client()
    client.force_login(make_applicant().user)
    assert client.post(reverse("account_logout"))["Location"] == "/"


def test_the_request_to_franceconnect_carries_pkce_a_nonce_and_the_identity_pivot_scopes(franceconnect):
    leaving = Client().post(reverse("portal:franceconnect_login"), {"process": "login"})
    query = parse_qs(urlsplit(leaving["Location"]).query)
    assert leaving["Location"].startswith(franceconnect + "/authorize/")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert len(query["nonce"][0]) >= 32 and query["acr_values"] == ["eidas1"]
    assert sorted(query["scope"][0].split()) == sorted([
        "openid", "given_name", "family_name", "birthdate", "birthplace", "birthcountry", "email",
    ])  # fmt: skip
    assert query["redirect_uri"] == ["http://testserver/espace/franceconnect/retour/"]


def test_the_identity_from_franceconnect_is_shown_locked_and_a_posted_change_is_ignored(franceconnect):
    client = Client()
    franceconnect_journey(client)
    person = User.objects.get(email=AMIRA["email"]).person

    page = client.get(reverse("portal:profile"))
    html = page.content.decode()
    assert "Vérifiée par FranceConnect" in html and "ne peuvent pas être modifiés ici" in html
    assert 'name="last_name"' in html and html.count("disabled") >= 3

    client.post(
        reverse("portal:profile"),
        {
            "first_name": "Someone", "last_name": "Else", "date_of_birth": "01/01/1980", "nationality": "MA",
            "address_line": "3 rue Victor Hugo", "postcode": "69002", "city": "Lyon", "preferred_language": "fr",
        },
    )  # fmt: skip
    person.refresh_from_db()
    assert (person.last_name, person.date_of_birth, person.city) == ("BENALI", date(1991, 4, 12), "Lyon")


def test_the_service_refuses_to_change_an_identity_verified_by_franceconnect(franceconnect):
    franceconnect_journey(Client())
    person = User.objects.get(email=AMIRA["email"]).person
    with pytest.raises(AccountError, match="FranceConnect"):
        person_update(person_id=person.pk, actor=person.user, last_name="Else")
    person_update(person_id=person.pk, actor=person.user, phone="0612345678")  # the rest of the profile is theirs


def test_an_applicant_links_franceconnect_from_the_profile_then_signs_in_with_it(franceconnect):
    person = person_like_amira()
    client = Client()
    client.force_login(person.user)
    profile = client.get(reverse("portal:profile")).content.decode()
    assert "fr-connect" in profile and 'value="connect"' in profile

    page = franceconnect_journey(client, process="connect")

    assert page.redirect_chain[-1][0] == reverse("portal:profile")
    assert "Votre compte est lié à FranceConnect" in page.content.decode()
    assert SocialAccount.objects.filter(user=person.user, provider=PROVIDER_ID).exists()
    person.refresh_from_db()
    assert person.identity_verified and person.first_name == "Amira Salma"
    assert events(SecurityEventKind.FRANCECONNECT_LINKED, user=person.user).count() == 1

    other_browser = Client()
    franceconnect_journey(other_browser)
    assert int(other_browser.session["_auth_user_id"]) == person.user_id
    assert User.objects.filter(email=AMIRA["email"]).count() == 0  # no second account was made


def test_linking_someone_elses_franceconnect_identity_is_refused(franceconnect):
    person = person_like_amira(date_of_birth=date(1990, 1, 1))
    client = Client()
    client.force_login(person.user)

    page = franceconnect_journey(client, process="connect")

    assert page.status_code == 403
    assert "n’est pas celle de ce profil" in page.content.decode()
    assert not SocialAccount.objects.filter(user=person.user).exists()
    assert events(SecurityEventKind.FRANCECONNECT_REFUSED, user=person.user, details__reason="link").exists()


def test_an_identity_linked_to_one_account_cannot_be_linked_to_another(franceconnect):
    franceconnect_journey(Client())  # Amira's account, made by FranceConnect
    other = person_like_amira()
    client = Client()
    client.force_login(other.user)

    page = franceconnect_journey(client, process="connect")

    assert page.status_code == 403
    assert not SocialAccount.objects.filter(user=other.user).exists()


def test_unlinking_needs_a_password_then_removes_the_link(franceconnect):
    client = Client()
    franceconnect_journey(client)
    user = User.objects.get(email=AMIRA["email"])
    profile = client.get(reverse("portal:profile")).content.decode()
    assert "choisissez d’abord un mot de passe" in profile

    page = client.post(reverse("portal:franceconnect_unlink"), follow=True)
    assert SocialAccount.objects.filter(user=user).exists()
    assert "mot de passe" in page.content.decode()

    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    client.force_login(user)
    page = client.post(reverse("portal:franceconnect_unlink"), follow=True)

    assert not SocialAccount.objects.filter(user=user).exists()
    assert "n’est plus lié à FranceConnect" in page.content.decode()
    assert events(SecurityEventKind.FRANCECONNECT_UNLINKED, user=user).count() == 1
    user.person.refresh_from_db()
    assert user.person.identity_verified  # what FranceConnect verified stays verified


def test_staff_never_link_franceconnect(franceconnect):
    agent = make_staff(role=Role.CASE_AGENT)
    client = Client()
    client.force_login(agent)

    page = franceconnect_journey(client, process="connect")

    assert page.status_code == 403
    assert "jamais avec FranceConnect" in page.content.decode()
    assert not SocialAccount.objects.filter(user=agent).exists()
    assert events(SecurityEventKind.FRANCECONNECT_REFUSED, user=agent, details__reason="staff").exists()


def test_a_staff_account_with_a_franceconnect_link_is_not_signed_in(franceconnect):
    agent = make_staff(role=Role.SUPERVISOR)
    franceconnect_journey(Client())  # learn the identity's subject at the provider
    link = SocialAccount.objects.get(provider=PROVIDER_ID)
    SocialAccount.objects.filter(pk=link.pk).update(user=agent)  # as if it had been linked by other means

    client = Client()
    page = franceconnect_journey(client)

    assert page.status_code == 403
    assert "_auth_user_id" not in client.session
    assert events(SecurityEventKind.FRANCECONNECT_REFUSED, user=agent, details__reason="staff").exists()


def test_a_staff_account_with_the_same_email_is_never_linked(franceconnect):
    agent = make_staff(role=Role.CASE_AGENT)
    User.objects.filter(pk=agent.pk).update(email=AMIRA["email"])
    client = Client()

    page = franceconnect_journey(client)

    assert page.status_code == 403
    assert "_auth_user_id" not in client.session and not SocialAccount.objects.exists()


def test_without_configuration_there_is_no_button_and_the_pages_answer_404(settings):
    assert not settings.ANEF_FRANCECONNECT_URL
    person = make_applicant()
    client = Client()
    for name in ("account_login", "account_signup"):
        assert "fr-connect" not in client.get(reverse(name)).content.decode()
    assert client.post(reverse("portal:franceconnect_login"), {"process": "login"}).status_code == 404
    assert client.get(reverse("portal:franceconnect_login")).status_code == 404
    assert client.get(reverse("portal:franceconnect_callback"), {"code": "x", "state": "y"}).status_code == 404
    # allauth's generic OpenID Connect pages do not reach FranceConnect either, configured or not.
    assert client.post("/compte/oidc/franceconnect/login/").status_code == 404
    client.force_login(person.user)
    assert "fr-connect" not in client.get(reverse("portal:profile")).content.decode()
    assert client.post(reverse("portal:franceconnect_unlink")).status_code == 404
    assert client.get("/compte/3rdparty/").status_code == 404  # allauth's page of third-party accounts
    client.logout()
    assert 'id="franceconnect"' not in client.get(reverse("portal:recovery")).content.decode()


def test_the_sign_in_and_sign_up_pages_show_the_franceconnect_button_in_both_languages(franceconnect):
    client = Client()
    for name in ("account_login", "account_signup"):
        html = client.get(reverse(name)).content.decode()
        assert 'class="fr-connect"' in html and "S’identifier avec" in html
        assert "Qu’est-ce que FranceConnect\u00a0?" in html and 'href="https://franceconnect.gouv.fr/"' in html
    english = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in with" in english and "What is FranceConnect?" in english


def test_generic_openid_connect_pages_of_allauth_stay_closed_when_franceconnect_is_on(franceconnect):
    assert Client().post("/compte/oidc/franceconnect/login/").status_code == 404


def test_a_person_who_lost_their_mailbox_signs_in_with_franceconnect_and_changes_their_email(franceconnect):
    """Issue 14, losing access: the account is linked; the person signs in with FranceConnect, then
    gives a new address, which is confirmed before it replaces the old one."""
    person = person_like_amira()
    linking = Client()
    linking.force_login(person.user)
    franceconnect_journey(linking, process="connect")

    client = Client()  # later, on another device, without the password nor the mailbox
    recovery = client.get(reverse("portal:recovery")).content.decode()  # the page of the ways back in offers it
    assert 'id="franceconnect"' in recovery and reverse("portal:franceconnect_login") in recovery
    page = franceconnect_journey(client)
    assert page.redirect_chain[-1][0] == reverse("portal:dashboard")
    profile = client.get(reverse("portal:profile")).content.decode()
    assert reverse("account_email") in profile

    page = client.post(reverse("account_email"), {"action_add": "", "email": "amira.new@example.org"}, follow=True)
    assert page.status_code == 200
    assert EmailAddress.objects.filter(user=person.user, email="amira.new@example.org", verified=False).exists()
    confirmation = next(message for message in mail.outbox if "amira.new@example.org" in message.to)
    link = re.search(r"https?://\S+", confirmation.body).group(0)
    client.post(re.sub(r"^https?://[^/]+", "", link), follow=True)
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.user.email == person.email == "amira.new@example.org"
    assert not EmailAddress.objects.filter(user=person.user).exclude(email="amira.new@example.org").exists()


def test_an_unlinked_identity_whose_email_is_a_confirmed_account_of_the_same_person_is_linked(franceconnect):
    person = person_like_amira(email=AMIRA["email"])
    client = Client()

    page = franceconnect_journey(client)

    assert page.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert int(client.session["_auth_user_id"]) == person.user_id
    assert SocialAccount.objects.filter(user=person.user, provider=PROVIDER_ID).exists()
    assert events(SecurityEventKind.FRANCECONNECT_LINKED, user=person.user).count() == 1


@pytest.mark.parametrize(
    "situation", ["another person", "address never confirmed"], ids=["identity differs", "email unconfirmed"]
)
def test_an_unlinked_identity_is_never_linked_on_the_email_alone(franceconnect, situation):
    if situation == "another person":
        person = person_like_amira(email=AMIRA["email"], date_of_birth=date(1970, 2, 2))
    else:
        person = person_like_amira(email=AMIRA["email"])
        EmailAddress.objects.filter(user=person.user).update(verified=False)
    client = Client()

    page = franceconnect_journey(client)

    assert page.status_code == 403
    html = page.content.decode()
    assert "Un compte ANEF utilise déjà l’adresse électronique" in html and reverse("account_login") in html
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists() and User.objects.filter(email=AMIRA["email"]).count() == 1
    assert events(SecurityEventKind.FRANCECONNECT_REFUSED, user=person.user, details__reason="email_taken").exists()


def test_an_answer_whose_nonce_is_not_the_one_sent_is_refused(franceconnect):
    client = Client()
    leaving = client.post(reverse("portal:franceconnect_login"), {"process": "login"})
    session = client.session
    for state in session["socialaccount_states"].values():
        state[0]["nonce"] = "another-nonce-than-the-one-sent-to-the-provider"
    session.save()

    page = client.get(sign_in_at_provider(leaving["Location"], "amira"), follow=True)

    assert page.status_code == 403 and "_auth_user_id" not in client.session
    assert not User.objects.filter(email=AMIRA["email"]).exists()


def test_an_identity_verified_by_franceconnect_is_marked_where_the_person_is_summarised(franceconnect):
    client = Client()
    franceconnect_journey(client)
    person = User.objects.get(email=AMIRA["email"]).person
    application = draft(person)

    page = client.get(reverse("portal:review", args=[application.reference]))

    assert "Vérifiée par FranceConnect" in page.content.decode()
