"""Claims as FranceConnect gives them: one scope per claim, and the userinfo as a signed JWT."""

import time

from django.conf import settings
from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

from .identities import IDENTITIES

CLAIMS = ("given_name", "family_name", "birthdate", "birthplace", "birthcountry", "gender", "email")


class FranceConnectLikeValidator(OAuth2Validator):
    oidc_claim_scope = {"sub": "openid", **{claim: claim for claim in CLAIMS}}

    def get_additional_claims(self, request):
        return dict(IDENTITIES.get(request.user.get_username(), {}))

    def get_userinfo_claims(self, request):
        """FranceConnect (v2) answers the userinfo endpoint with a JWT signed by its key: so do we
        (oauthlib sends a string as application/jwt), with the key of the JWKS."""
        claims = super().get_userinfo_claims(request)
        key = jwk.JWK.from_pem(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"].encode())
        now = int(time.time())
        claims |= {
            "iss": self.get_oidc_issuer_endpoint(request),
            "aud": request.client_id or request.access_token.application.client_id,
            "iat": now,
            "exp": now + 300,
        }
        token = jwt.JWT(header={"alg": "RS256", "kid": key.thumbprint()}, claims=claims)
        token.make_signed_token(key)
        return token.serialize()
