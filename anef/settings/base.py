"""Every setting, with safe defaults, read from the environment.

`test.py` and `production.py` only override. The zero-setup default is SQLite and local files.
"""

import os
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ANEF_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_days(name: str, default: int) -> int:
    """A whole number of days from the environment; anything else stops the start-up, clearly."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number of days, not {raw!r}.") from None


DEBUG = env_bool("ANEF_DEBUG", False)
SECRET_KEY = os.environ.get("ANEF_SECRET_KEY", "insecure-demo-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = os.environ.get("ANEF_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver (./run) leaves static files to WhiteNoise: compressed, as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",  # its translations of country names (nationality lists in the reader's language)
    "widget_tweaks",
    "health_check",
    "dsfr",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Its OpenID Connect provider is subclassed for FranceConnect (anef/accounts/franceconnect.py), with
    # routes of its own: the generic provider's app is not installed, so its generic routes do not exist.
    "allauth.socialaccount",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_q",
    "csp",
    "pgtrigger",
    "anef.core",
    "anef.security",
    "anef.accounts",
    "anef.territory",
    "anef.procedures",
    "anef.applications",
    "anef.documents",
    "anef.notifications",
    "anef.messaging",
    "anef.certificates",
    "anef.sharing",
    "anef.appointments",
    "anef.assistance",
    "anef.transparency",
    "anef.incidents",
    "anef.retention",  # the retention policy and its sweep: above the apps whose data it erases
    "anef.public",
    "anef.portal",
    "anef.backoffice",
    "anef.helperspace",
    "anef.api",
    "anef.demo",  # demo data and its commands: nothing in the product imports it
]

MIDDLEWARE = [
    # First: every response, redirects and errors included, carries the request's id, and so does every log line.
    "anef.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for who accepts it (static files come compressed from WhiteNoise above, which
    # answers before this one). Django's gzip pads each answer with random bytes against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "anef.core.privacy.NoStoreForPersonalPagesMiddleware",
    "anef.security.middleware.SecurityEventMiddleware",
    "anef.core.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anef.core.sessions.SessionTimeoutMiddleware",
    "anef.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last: its process_view runs after the CSRF check, with the user and the flash messages known.
    "anef.core.submit_once.SubmitOnceMiddleware",
]

ROOT_URLCONF = "anef.urls"
WSGI_APPLICATION = "anef.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "anef" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anef.core.context_processors.site",
                "anef.incidents.context_processors.ongoing_incidents",
                "anef.assistance.context_processors.acting_for",
                "anef.context_processors.choices",
            ],
            # Overrides Django's {% csrf_token %} so that every POST form also carries a one-time
            # submission token (anef/core/submit_once.py) without editing each template.
            "builtins": ["anef.core.templatetags.submission"],
        },
    },
]
FORM_RENDERER = "anef.core.form_renderer.FormRenderer"  # django-dsfr's, selects written in Python

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'anef.sqlite3'}"),
        conn_max_age=int(os.environ.get("ANEF_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh checkout has no var/ yet: SQLite creates the file, not its folder.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web server and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: rate limits and anything several processes must count together. Redis in production
# (ANEF_CACHE_URL=redis://host:6379/0, or rediss:// with TLS): its counters are atomic across every web
# process of every machine. Without it, the database cache: shared too, but its increments are not
# atomic (right for the one-machine demo, refused by production settings).
ANEF_CACHE_URL = os.environ.get("ANEF_CACHE_URL", "")
if ANEF_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ANEF_CACHE_URL,
            "KEY_PREFIX": os.environ.get("ANEF_CACHE_PREFIX", "anef"),
            # A cache that does not answer within a second fails the request that needs it (a limit is
            # never skipped), and readiness says so; it never hangs a web worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "anef_cache",
        }
    }
# How many proxies (load balancer, TLS terminator...) stand between the clients and the web processes,
# each appending to X-Forwarded-For: the client address is read that many entries from the right
# (anef/core/throttle.py client_address). 0: the address that connects is the client's.
ANEF_TRUSTED_PROXIES = int(os.environ.get("ANEF_TRUSTED_PROXIES", "0"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Names, email, date of birth: of the account and of its Person profile (sign-up adds the typed names).
    {"NAME": "anef.accounts.validators.PersonalDetailsValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "public:home"

# django-allauth: email is the identifier, verified before first use.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "anef.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "anef.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ANEF] "
ACCOUNT_SESSION_REMEMBER = None
# One email address per account: a new one replaces it once confirmed (a person who lost access to
# their mailbox signs in with FranceConnect and changes it from the profile).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: per client address, and per client and account (the adapter puts the client in
    # the key): a guesser is slowed down, never the account's owner on another connection. The same
    # limit covers second-factor codes (per client, and per client and account).
    "login_failed": os.environ.get("ANEF_RATE_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

# FranceConnect (docs/operations.md, "FranceConnect"): applicants sign in with the State's identity
# federation, through allauth's OpenID Connect provider. Off unless all three are given: no button,
# and its pages answer 404. The URL is the issuer, where /.well-known/openid-configuration is found
# (FranceConnect's integration platform: https://fcp-low.sbx.dev-franceconnect.fr/api/v2).
ANEF_FRANCECONNECT_URL = os.environ.get("ANEF_FRANCECONNECT_URL", "").rstrip("/")
ANEF_FRANCECONNECT_CLIENT_ID = os.environ.get("ANEF_FRANCECONNECT_CLIENT_ID", "")
ANEF_FRANCECONNECT_SECRET = os.environ.get("ANEF_FRANCECONNECT_SECRET", "")
# The identity pivot: who the person is in the civil registers (and their email at the identity provider).
ANEF_FRANCECONNECT_SCOPES = [
    "openid", "given_name", "family_name", "birthdate", "birthplace", "birthcountry", "email",
]  # fmt: skip
# The eIDAS level asked for (FranceConnect's "acr_values"): eidas1 for FranceConnect, eidas2 or 3 for FranceConnect+.
ANEF_FRANCECONNECT_ACR = os.environ.get("ANEF_FRANCECONNECT_ACR", "eidas1")
# The apps come from the three variables above (anef/accounts/franceconnect.py), never from the database.
SOCIALACCOUNT_ADAPTER = "anef.accounts.adapter.FranceConnectAdapter"
# A first FranceConnect sign-in creates the applicant's account at once (no form to fill) unless its
# email is taken: then the adapter decides (docs/decisions/0014-franceconnect-never-links-on-identity-alone.md).
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
# The email FranceConnect gives is the identity provider's: we confirm it by mail, without blocking the sign-in.
SOCIALACCOUNT_EMAIL_VERIFICATION = "optional"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("ANEF_FRANCECONNECT_TIMEOUT", "10"))

# Staff sign in with a second factor (TOTP, with recovery codes); enrolment is forced on first use.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ANEF"
# One 30-second step either side (RFC 6238 §5.2): a code typed at the end of its window on a slow
# connection is still accepted (and a browser test that crossed a window boundary no longer fails).
MFA_TOTP_TOLERANCE = 1
# Their secrets are encrypted at rest (anef/accounts/mfa.py) under these Fernet keys, the first one
# encrypting: ANEF_MFA_ENCRYPTION_KEY="new,old" during a rotation. Empty: derived from SECRET_KEY,
# which production settings refuse.
MFA_ADAPTER = "anef.accounts.mfa.MFAAdapter"
ANEF_MFA_ENCRYPTION_KEYS = [
    key.strip() for key in os.environ.get("ANEF_MFA_ENCRYPTION_KEY", "").split(",") if key.strip()
]

LANGUAGE_CODE = "fr"
# Dates and numbers in each language's form (anef/core/formats): templates name a format
# (`|date:"SHORT_DATE_FORMAT"`), code calls date_format / number_format.
FORMAT_MODULE_PATH = ["anef.core.formats"]
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# Ours, then the libraries' French texts with French typography (manage.py french_typography).
LOCALE_PATHS = [BASE_DIR / "anef" / "locale", BASE_DIR / "anef" / "locale_typography"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where `collectstatic` writes and WhiteNoise serves from: in production, collected at the image's build (the
# names carry a hash of the content there: production.py), the same on every machine.
STATIC_ROOT = Path(os.environ.get("ANEF_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("ANEF_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files are never served from MEDIA_URL (no route serves it, and stored names are random):
# only through views that check access.
MEDIA_URL = "/_not_served/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # The DSFR's stylesheet trimmed to the classes we use (anef/core/dsfr_css.py, decision 0020).
    "anef.core.dsfr_css.TrimmedDsfrFinder",
]
# `./run` collects the static files (with their .gz and .br) and serves them as production does;
# elsewhere under DEBUG, WhiteNoise serves the sources as they are edited.
if env_bool("ANEF_STATIC_COLLECTED", False):
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("ANEF_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("ANEF_FROM_EMAIL", "ANEF <ne-pas-repondre@anef.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The SMTP relay (with ANEF_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, production's default).
EMAIL_HOST = os.environ.get("ANEF_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ANEF_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ANEF_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ANEF_SMTP_PASSWORD", "")
# "starttls" (port 587), "tls" (implicit TLS, port 465) or "none" (a relay on a private network).
ANEF_SMTP_SECURITY = os.environ.get("ANEF_SMTP_SECURITY", "none")
if ANEF_SMTP_SECURITY not in ("starttls", "tls", "none"):
    raise ImproperlyConfigured("ANEF_SMTP_SECURITY must be starttls, tls or none.")
EMAIL_USE_TLS = ANEF_SMTP_SECURITY == "starttls"
EMAIL_USE_SSL = ANEF_SMTP_SECURITY == "tls"
EMAIL_TIMEOUT = int(os.environ.get("ANEF_SMTP_TIMEOUT", "20"))  # seconds: a stuck relay never holds a worker

# Background work: django-q2 with its ORM broker, on the default database (SQLite in the demo,
# PostgreSQL in production). Any number of clusters on any number of machines share it: a task is
# taken by a conditional update, and one whose worker died is delivered again after `retry` seconds.
Q_CLUSTER = {
    "name": "anef",
    "orm": "default",
    "workers": int(os.environ.get("ANEF_Q_WORKERS", "2")),
    "timeout": int(os.environ.get("ANEF_Q_TIMEOUT", "60")),
    "retry": int(os.environ.get("ANEF_Q_RETRY", "90")),
    "max_attempts": int(os.environ.get("ANEF_Q_MAX_ATTEMPTS", "5")),
    "ack_failures": True,  # a task that raised is kept as a failure, shown to administrators, retried by hand
    "save_limit": 2000,
    # Per function: a sweep's last success stays in the history however many other tasks run after it
    # (the metric anef_sweep_last_success_timestamp_seconds reads it).
    "save_limit_per": "func",
    "catch_up": False,
    "poll": float(os.environ.get("ANEF_Q_POLL", "0.5")),
    "label": "Tâches de fond",
}
# Exactly once (anef/core/submit_once.py): how long a duplicate waits for the first request to
# finish, how long a used token is remembered, which views are left out (they answer with cookies).
ANEF_SUBMISSION_WAIT_SECONDS = float(os.environ.get("ANEF_SUBMISSION_WAIT_SECONDS", "15"))
ANEF_SUBMISSION_TOKEN_HOURS = int(os.environ.get("ANEF_SUBMISSION_TOKEN_HOURS", "48"))
ANEF_SUBMISSION_EXEMPT_MODULES = (
    "allauth.",
    "django.views.i18n",
    "django.contrib.auth.",
    "django.contrib.admin.sites",
    "anef.portal.franceconnect",  # off to FranceConnect with a fresh state each time
)
# A notification still queued after this many minutes with no sending task in the queue gets a new one.
ANEF_NOTIFICATION_STRANDED_MINUTES = int(os.environ.get("ANEF_NOTIFICATION_STRANDED_MINUTES", "10"))
# Stored files that no row names are deleted once older than this many hours (a file is written
# before its row commits: a younger one may belong to an upload in progress).
ANEF_ORPHAN_FILES_GRACE_HOURS = int(os.environ.get("ANEF_ORPHAN_FILES_GRACE_HOURS", "24"))
ANEF_ORPHAN_FILES_SCAN_LIMIT = int(os.environ.get("ANEF_ORPHAN_FILES_SCAN_LIMIT", "500000"))  # names read a run
# Top folders to scan besides those found from the FileFields (a callable upload_to is known only
# from the names already stored): comma-separated.
ANEF_ORPHAN_FILES_EXTRA_ROOTS = [
    root for root in os.environ.get("ANEF_ORPHAN_FILES_EXTRA_ROOTS", "uploads,messages").split(",") if root
]
ANEF_BASE_URL = os.environ.get("ANEF_BASE_URL", "http://127.0.0.1:8000")
ANEF_SMS_BACKEND = os.environ.get("ANEF_SMS_BACKEND", "anef.notifications.sms.FileSmsBackend")
ANEF_SMS_FILE_PATH = VAR_DIR / "sms"
# The HTTP provider (ANEF_SMS_BACKEND=anef.notifications.sms.HttpSmsBackend): its endpoint, its bearer
# token (or API key), the sender name shown on the phone, and the seconds before a silent provider fails
# the attempt (the task retries later with the same idempotency key).
ANEF_SMS_HTTP_URL = os.environ.get("ANEF_SMS_HTTP_URL", "")
ANEF_SMS_HTTP_TOKEN = os.environ.get("ANEF_SMS_HTTP_TOKEN", "")
ANEF_SMS_SENDER = os.environ.get("ANEF_SMS_SENDER", "ANEF")
ANEF_SMS_HTTP_TIMEOUT = float(os.environ.get("ANEF_SMS_HTTP_TIMEOUT", "10"))

# Issued documents: Ed25519 keys outside the database, the same on every machine (anef/core/signing.py):
# ANEF_SIGNING_KEYS (kid=base64url,...) or a shared folder of PEM files, or a source class; and the API schedule.
ANEF_SIGNING_KEYS = os.environ.get("ANEF_SIGNING_KEYS", "")
ANEF_SIGNING_KEYS_DIR = Path(os.environ.get("ANEF_SIGNING_KEYS_DIR", VAR_DIR / "keys"))
ANEF_SIGNING_KEYS_SOURCE = os.environ.get("ANEF_SIGNING_KEYS_SOURCE", "")
# The demo data (accounts with a published password, demo_totp) may be created: never in production.
ANEF_DEMO_ALLOWED = True
# The demo and the tests create a first key when there is none; production never does.
ANEF_SIGNING_KEYS_CREATE = True
ANEF_API_LEAD_DAYS = int(os.environ.get("ANEF_API_LEAD_DAYS", "15"))  # issue this many days before a lapse
ANEF_APPOINTMENT_ASSIGN_AFTER_DAYS = int(os.environ.get("ANEF_APPOINTMENT_ASSIGN_AFTER_DAYS", "7"))
# Seats asked for within the same window of this many minutes are allocated by a draw once it closes.
ANEF_APPOINTMENT_DRAW_MINUTES = int(os.environ.get("ANEF_APPOINTMENT_DRAW_MINUTES", "5"))

# Uploads: the content decides the type; limits are per file.
ANEF_UPLOAD_MAX_BYTES = int(os.environ.get("ANEF_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
ANEF_UPLOAD_MAX_PAGES = int(os.environ.get("ANEF_UPLOAD_MAX_PAGES", "30"))
# Images with more pixels are refused before decoding (decompression bombs); an A4 page scanned at
# 600 dpi is 35 million.
ANEF_UPLOAD_MAX_PIXELS = int(os.environ.get("ANEF_UPLOAD_MAX_PIXELS", str(40_000_000)))
# The malware scanner every upload goes through before it is stored (docs/decisions/0008):
# "clamav" (ClamAV's daemon, the default and the only one production accepts) or "fake" (finds the
# EICAR test string; tests and the local demo). No verdict means the file is refused.
ANEF_SCANNER = os.environ.get("ANEF_SCANNER", "clamav")
# clamd's socket: a UNIX socket path (Debian's clamav-daemon: /run/clamav/clamd.ctl) or host:port.
ANEF_CLAMD_ADDRESS = os.environ.get("ANEF_CLAMD_ADDRESS", "/run/clamav/clamd.ctl")
ANEF_CLAMD_TIMEOUT = float(os.environ.get("ANEF_CLAMD_TIMEOUT", "30"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Retention periods, in days (SPEC §10). These are the project's defaults, NOT legal values: the data
# controller (the prefecture, with its data protection officer) sets them, through
# ANEF_RETENTION_<KEY>_DAYS. Floors are checked at start-up (`anef.applications.retention`); the daily
# `apply_retention` sweep applies them and the "Personal data" page shows them.
ANEF_RETENTION_DAYS = {
    # a draft never filed and not changed for this long is deleted with its uploaded files
    "drafts": env_days("ANEF_RETENTION_DRAFTS_DAYS", 180),
    # this long after a file reached a final state, its uploaded scans and message attachments are erased
    "closed_files": env_days("ANEF_RETENTION_CLOSED_FILES_DAYS", 730),
    # checks of share codes by employers, landlords, benefit offices
    "share_checks": env_days("ANEF_RETENTION_SHARE_CHECKS_DAYS", 365),
    # the journal of staff reads of files
    "staff_reads": env_days("ANEF_RETENTION_STAFF_READS_DAYS", 1825),
    # the security events: sign-ins and their failures, refusals, credential changes, deactivations
    "security_events": env_days("ANEF_RETENTION_SECURITY_EVENTS_DAYS", 365),
}

# Renewals are "in time" when filed between these numbers of days before the permit expires.
ANEF_RENEWAL_WINDOW_EARLIEST_DAYS = 120
ANEF_RENEWAL_WINDOW_LATEST_DAYS = 60

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ANEF API",
    "DESCRIPTION": "Public catalogue and applicants' own applications.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several fields (state, from_state, to_state) share the applications' states: one enum in the schema.
    "ENUM_NAME_OVERRIDES": {"ApplicationStateEnum": "anef.applications.workflow.State"},
}

# Sessions (anef.core.sessions): signed out after this long without activity, and after this long
# whatever happens. Staff and helpers (many people's files) have shorter limits than applicants.
ANEF_SESSION_IDLE_MINUTES_STAFF = int(os.environ.get("ANEF_SESSION_IDLE_MINUTES_STAFF", "30"))
ANEF_SESSION_MAX_HOURS_STAFF = int(os.environ.get("ANEF_SESSION_MAX_HOURS_STAFF", "10"))
ANEF_SESSION_IDLE_MINUTES_APPLICANT = int(os.environ.get("ANEF_SESSION_IDLE_MINUTES_APPLICANT", "120"))
ANEF_SESSION_MAX_HOURS_APPLICANT = int(os.environ.get("ANEF_SESSION_MAX_HOURS_APPLICANT", "24"))
# The cookie itself never outlives the longest absolute limit (Django's default was 14 days).
SESSION_COOKIE_AGE = max(ANEF_SESSION_MAX_HOURS_STAFF, ANEF_SESSION_MAX_HOURS_APPLICANT) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every page (django-csp). Scripts only from our own origin (DSFR's files),
# or inline with the request's nonce; no inline handlers. Styles from our origin only: neither our
# templates nor the DSFR components we use write `style=` attributes. `data:` images are DSFR's
# icons (SVG in its CSS) and the QR code of the second-factor set-up. A view that already set its own
# header (user files served in a sandbox) keeps it: django-csp never overwrites one.


def content_security_policy(*, franceconnect_url: str = "") -> dict:
    """The policy of every page. Forms post to our own origin only, with one exception: the
    FranceConnect button posts to us and we redirect to FranceConnect, and browsers apply
    form-action to the redirections that follow a form too."""
    form_action = [SELF]
    if franceconnect_url:
        parts = urlsplit(franceconnect_url)
        form_action.append(f"{parts.scheme}://{parts.netloc}")
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF],
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "frame-ancestors": [NONE],
            "form-action": form_action,
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(franceconnect_url=ANEF_FRANCECONNECT_URL)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Logs on the standard error: one line per request ("anef.request") and whatever the code writes, each
# written during a request carrying its id and the client's address (anef/core/request_logs.py).
# ANEF_LOG_FORMAT: "json" (one JSON object a line, production's default) or "text".
ANEF_LOG_FORMAT = os.environ.get("ANEF_LOG_FORMAT", "text")


def console_handler(log_format: str) -> dict:
    if log_format not in ("json", "text"):
        raise ImproperlyConfigured("ANEF_LOG_FORMAT must be json or text.")
    # Outside a request, the text format writes "-" where the JSON one leaves the fields out.
    return {
        "class": "logging.StreamHandler",
        "formatter": log_format,
        "filters": ["request" if log_format == "json" else "request_or_dash"],
    }


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "anef.core.request_logs.RequestContextFilter"},
        "request_or_dash": {"()": "anef.core.request_logs.RequestContextFilter", "placeholder": "-"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(client)s] %(message)s"},
    },
    "handlers": {"console": console_handler(ANEF_LOG_FORMAT)},
    "root": {"handlers": ["console"], "level": os.environ.get("ANEF_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django-q": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO ("Step 2 - Fetching and parsing CSS").
        "weasyprint": {"level": "WARNING"},
    },
}


def env_admins(name: str) -> list[tuple[str, str]]:
    """ANEF_ADMINS: "Name <email>, other@example.org": who gets Django's mail on a server error."""
    raw = os.environ.get(name, "")
    admins = [(person or address, address) for person, address in getaddresses([raw]) if address]
    if raw.strip() and not all("@" in address for _person, address in admins):
        raise ImproperlyConfigured(
            f"{name} must be email addresses, as 'Name <email>' or 'email', separated by commas."
        )
    return admins


ADMINS = env_admins("ANEF_ADMINS")

# Error reporting to a Sentry server (docs/operations.md, "Error reporting"): off unless a DSN is given.
ANEF_SENTRY_DSN = os.environ.get("ANEF_SENTRY_DSN", "")
ANEF_ENVIRONMENT = os.environ.get("ANEF_ENVIRONMENT", "development")
ANEF_RELEASE = os.environ.get("ANEF_RELEASE", "")

# Prometheus scrapes /metrics with this bearer token; without one the page does not exist.
ANEF_METRICS_TOKEN = os.environ.get("ANEF_METRICS_TOKEN", "")
