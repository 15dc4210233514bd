"""FranceConnect through the pages, against the local OpenID Connect provider (local_oidc_provider/),
a real provider over HTTP: discovery, authorization code with PKCE and a nonce, token, signed ID
token and signed userinfo. Decision 0014 for the rules."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse
from local_oidc_provider.identities import IDENTITIES

from anef.accounts.constants import IdentitySource, Role
from anef.accounts.franceconnect import PROVIDER_ID
from anef.accounts.models import Person, User
from anef.accounts.services import AccountError, person_update
from anef.security.constants import SecurityEventKind
from anef.security.models import SecurityEvent
from anef.testing import PASSWORD, make_applicant, make_staff
from anef.testing.oidc import sign_in_at_provider

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

    # The next time, the same account (no second one), a second sign-in event.
    again = Client()
    page = franceconnect_journey(again)
    assert page.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert int(again.session["_auth_user_id"]) == user.pk
    assert User.objects.filter(email=AMIRA["email"]).count() == 1
    assert events(SecurityEventKind.FRANCECONNECT_SIGN_IN, user=user).count() == 2


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
