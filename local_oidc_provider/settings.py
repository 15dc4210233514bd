"""Settings of the test OpenID Connect provider (a separate Django project, never ANEF's)."""

import os
from pathlib import Path

FOLDER = Path(os.environ["ANEF_OIDC_PROVIDER_DIR"])

SECRET_KEY = "oidc-provider-for-tests-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "local_oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(FOLDER / "provider.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/login/"
# Two providers may run on one machine (two test workers, the demo): their cookies must not mix.
SESSION_COOKIE_NAME = "oidc_provider_session"
CSRF_COOKIE_NAME = "oidc_provider_csrftoken"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # Generated at each start (__main__): nothing to keep, nothing to leak.
    "OIDC_RSA_PRIVATE_KEY": os.environ["ANEF_OIDC_PROVIDER_KEY"],
    "PKCE_REQUIRED": True,
    "ALLOW_LOCALHOST_LOOPBACK": True,
    # Signing out of ANEF signs out of the provider too (FranceConnect's end_session_endpoint).
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "local_oidc_provider.validator.FranceConnectLikeValidator",
    # FranceConnect's scopes are named after the claims they give.
    "SCOPES": {
        "openid": "OpenID Connect",
        "given_name": "Prénoms",
        "family_name": "Nom de naissance",
        "birthdate": "Date de naissance",
        "birthplace": "Lieu de naissance",
        "birthcountry": "Pays de naissance",
        "gender": "Sexe",
        "email": "Adresse électronique",
    },
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
