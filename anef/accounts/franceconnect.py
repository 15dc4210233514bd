"""FranceConnect, through allauth's OpenID Connect provider.

FranceConnect is the State's identity federation: a person signs in with an account they already
have (tax office, health insurance, La Poste...) and we receive their identity as the civil
registers know it (the "identity pivot": given names, birth name, date and place of birth) and the
email of that account. Three things differ from a generic OpenID Connect provider, so the provider
and its OAuth2 adapter are subclasses of allauth's:

- a `nonce` in every authorization request, checked against the ID token (FranceConnect refuses a
  request without one; allauth's generic provider sends none);
- the userinfo answer is a JWT signed by FranceConnect (v2), verified here with its published keys,
  like the ID token, whose signature is always verified too;
- `acr_values` asks for the eIDAS level of the sign-in;
- signing out goes through FranceConnect's end-session address (`sign_out_url`), as it requires.

The app is built from the settings (ANEF_FRANCECONNECT_*), never stored in the database; without
them FranceConnect does not exist: no button, and its pages answer 404.
"""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

PROVIDER_ID = "franceconnect"  # SocialAccount.provider of every FranceConnect link
OPENID_CONNECT = "openid_connect"
# In the session of a person signed in with FranceConnect: what signing out of it needs.
SIGN_OUT_SESSION_KEY = "franceconnect_sign_out"


def franceconnect_enabled() -> bool:
    return bool(
        settings.ANEF_FRANCECONNECT_URL and settings.ANEF_FRANCECONNECT_CLIENT_ID and settings.ANEF_FRANCECONNECT_SECRET
    )


def franceconnect_app() -> SocialApp:
    return SocialApp(
        provider=OPENID_CONNECT,
        provider_id=PROVIDER_ID,
        name="FranceConnect",
        client_id=settings.ANEF_FRANCECONNECT_CLIENT_ID,
        secret=settings.ANEF_FRANCECONNECT_SECRET,
        settings={
            "server_url": settings.ANEF_FRANCECONNECT_URL,
            "scope": list(settings.ANEF_FRANCECONNECT_SCOPES),
            "auth_params": {"acr_values": settings.ANEF_FRANCECONNECT_ACR},
            "oauth_pkce_enabled": True,
            "token_auth_method": "client_secret_post",
            "fetch_userinfo": True,
        },
    )


class FranceConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    def __init__(self, request) -> None:
        super().__init__(request, PROVIDER_ID)

    def get_callback_url(self, request, app):
        return request.build_absolute_uri(reverse("portal:franceconnect_callback"))

    def complete_login(self, request, app, token, **kwargs):
        """Keeps, on the login, what signing out of FranceConnect will need (the raw ID token and the
        end-session address): `AccountAdapter.post_login` puts it in the session once signed in."""
        login = super().complete_login(request, app, token, **kwargs)
        login.franceconnect_sign_out = {
            "id_token": kwargs["response"].get("id_token", ""),
            "end_session_endpoint": self.openid_config.get("end_session_endpoint", ""),
        }
        return login

    def _fetch_user_info(self, access_token: str) -> dict:
        """FranceConnect answers with a signed JWT (application/jwt); a plain JSON answer is read too."""
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
        if not response.headers.get("Content-Type", "").startswith("application/jwt"):
            return response.json()
        return jwtkit.verify_and_decode(
            credential=response.text.strip(),
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=self.get_provider().app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
        )

    def _decode_id_token(self, app, id_token: str) -> dict:
        """The signature is checked even though the token came straight from the token endpoint."""
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
        )


class FranceConnectProvider(OpenIDConnectProvider):
    oauth2_adapter_class = FranceConnectOAuth2Adapter  # type: ignore[assignment]

    def get_oauth2_adapter(self, request):
        return FranceConnectOAuth2Adapter(request)

    def get_login_url(self, request, **kwargs):
        url = reverse("portal:franceconnect_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("portal:franceconnect_callback")

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """Every request carries a fresh nonce, kept in allauth's state to be compared with the ID token's."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        auth_params = dict(self.get_auth_params() if auth_params is None else auth_params)
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)


def nonce_matches(sociallogin) -> bool:
    expected = (sociallogin.state or {}).get("nonce")
    received = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce")
    return bool(expected) and secrets.compare_digest(str(expected), str(received or ""))


def fold(text: str) -> str:
    """For comparing names: no accents, no case, letters only (DUBOIS-Martin == dubois martin)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha())


@dataclass(frozen=True)
class FranceConnectIdentity:
    """The identity pivot as FranceConnect gives it."""

    given_name: str
    family_name: str
    birthdate: date | None
    birthplace: str
    birthcountry: str
    email: str

    @classmethod
    def from_claims(cls, claims: dict) -> "FranceConnectIdentity":
        try:
            birthdate = date.fromisoformat(claims.get("birthdate") or "")
        except ValueError:
            birthdate = None  # FranceConnect gives "1990-00-00" when only the year is known
        return cls(
            given_name=(claims.get("given_name") or "").strip(),
            family_name=(claims.get("family_name") or "").strip(),
            birthdate=birthdate,
            birthplace=claims.get("birthplace") or "",
            birthcountry=claims.get("birthcountry") or "",
            email=(claims.get("email") or "").strip().lower(),
        )

    @classmethod
    def from_extra_data(cls, extra_data: dict) -> "FranceConnectIdentity":
        """From what allauth keeps of a sign-in: the userinfo, else the ID token."""
        return cls.from_claims(extra_data.get("userinfo") or extra_data.get("id_token") or {})

    def is_person(self, person) -> bool:
        """Same birth name and same date of birth: the same person (given names vary in their writing)."""
        return (
            self.birthdate is not None
            and person.date_of_birth == self.birthdate
            and fold(person.last_name) == fold(self.family_name)
        )

    def may_be(self, person) -> bool:
        """Nothing on the profile contradicts it: a profile without a date of birth yet takes FranceConnect's."""
        if person.date_of_birth is None:
            return fold(person.last_name) == fold(self.family_name) or not person.last_name
        return self.is_person(person)


def sign_out_url(session, *, come_back_to: str) -> str | None:
    """Where to send a person who signs out after signing in with FranceConnect: FranceConnect's
    end-session address, which ends their FranceConnect session too and sends them back here.
    FranceConnect asks this of the services that use it. None when they did not use it."""
    stored = session.get(SIGN_OUT_SESSION_KEY) or {}
    if not (stored.get("id_token") and stored.get("end_session_endpoint")):
        return None
    query = urlencode(
        {
            "id_token_hint": stored["id_token"],
            "state": secrets.token_urlsafe(16),
            "post_logout_redirect_uri": come_back_to,
        }
    )
    return f"{stored['end_session_endpoint']}?{query}"
