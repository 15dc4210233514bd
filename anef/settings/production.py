"""Production: override only. Everything else comes from the environment through base.py."""

import os
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["ANEF_SECRET_KEY"]
if not ANEF_MFA_ENCRYPTION_KEYS:  # noqa: F405
    # Second-factor secrets are never encrypted under a key derived from SECRET_KEY in production.
    raise ImproperlyConfigured(
        "ANEF_MFA_ENCRYPTION_KEY must be set in production: a Fernet key (python -c 'from cryptography.fernet "
        "import Fernet; print(Fernet.generate_key().decode())'), kept apart from the database backups."
    )
try:
    [Fernet(key) for key in ANEF_MFA_ENCRYPTION_KEYS]  # noqa: F405
except ValueError as exc:
    raise ImproperlyConfigured("ANEF_MFA_ENCRYPTION_KEY must be Fernet keys, separated by commas.") from exc
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# `__Host-` cookies: the browser accepts them only over HTTPS, for the whole site (Path=/) and for
# this host alone (no Domain), so no sibling subdomain can set or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = os.environ.get("ANEF_SSL_REDIRECT", "true") == "true"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
EMAIL_BACKEND = os.environ.get("ANEF_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
if not ANEF_CACHE_URL:  # noqa: F405
    # Rate limits count in the shared cache; only Redis counts atomically across machines.
    raise ImproperlyConfigured(
        "ANEF_CACHE_URL must be set in production: the Redis every web machine shares (redis://host:6379/0), "
        "where rate limits are counted atomically."
    )
# Mail and text messages reach people: production refuses the backends that keep them on one machine,
# in memory, or drop them. Mail defaults to the SMTP relay; the SMS provider must be named.
_mail_not_sent = {
    "django.core.mail.backends.filebased.EmailBackend": "writes mail to files on this machine",
    "django.core.mail.backends.console.EmailBackend": "prints mail to the console",
    "django.core.mail.backends.locmem.EmailBackend": "keeps mail in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops mail",
}
if EMAIL_BACKEND in _mail_not_sent:
    raise ImproperlyConfigured(
        f"ANEF_EMAIL_BACKEND={EMAIL_BACKEND} {_mail_not_sent[EMAIL_BACKEND]}: production sends mail. Leave "
        "ANEF_EMAIL_BACKEND unset for the SMTP relay (ANEF_SMTP_HOST, ANEF_SMTP_PORT...) or name a provider's backend."
    )
_sms_not_sent = {
    "anef.notifications.sms.FileSmsBackend": "writes text messages to files on this machine (the demo's default)",
    "anef.notifications.sms.MemorySmsBackend": "keeps text messages in memory (a test backend)",
    "anef.notifications.sms.FailingSmsBackend": "fails every text message (a test backend)",
}
if ANEF_SMS_BACKEND in _sms_not_sent or ".tests." in ANEF_SMS_BACKEND:  # noqa: F405
    raise ImproperlyConfigured(
        f"ANEF_SMS_BACKEND={ANEF_SMS_BACKEND} "  # noqa: F405
        f"{_sms_not_sent.get(ANEF_SMS_BACKEND, 'is a test backend')}: production sends text messages. "  # noqa: F405
        "Set ANEF_SMS_BACKEND=anef.notifications.sms.HttpSmsBackend with ANEF_SMS_HTTP_URL and ANEF_SMS_HTTP_TOKEN "
        "(docs/operations.md, Channels), or another provider's backend class."
    )
if ANEF_SMS_BACKEND == "anef.notifications.sms.HttpSmsBackend":  # noqa: F405
    _sms_url = urlsplit(ANEF_SMS_HTTP_URL)  # noqa: F405
    if _sms_url.scheme not in ("https", "http") or not _sms_url.hostname:
        # Not quoted back: some providers take their key in the URL.
        raise ImproperlyConfigured(
            "ANEF_SMS_HTTP_URL must be the SMS provider's endpoint, https://host/path: it is "
            f"{'not set' if not ANEF_SMS_HTTP_URL else 'not an http(s) URL'}."  # noqa: F405
        )
if os.environ.get("ANEF_S3_BUCKET"):
    # S3-compatible object storage (django-storages, in the "production" extra; docs/operations.md "File
    # storage"). Objects are private: no ACL is ever sent (the bucket's own policy applies: block all
    # public access), files are only served through the views that check access, and a URL, if one is
    # ever made, is signed. A name is never reused (file_overwrite off, as on the local folder).
    # Credentials: ANEF_S3_ACCESS_KEY_ID/SECRET_ACCESS_KEY, else boto3's own chain (AWS_* variables,
    # shared credentials file, instance or pod role).
    _s3_sse = os.environ.get("ANEF_S3_SSE", "").strip()
    _s3_kms_key = os.environ.get("ANEF_S3_KMS_KEY_ID", "").strip()
    if _s3_sse not in ("", "AES256", "aws:kms"):
        raise ImproperlyConfigured("ANEF_S3_SSE must be empty, AES256 or aws:kms.")
    if _s3_kms_key and _s3_sse != "aws:kms":
        raise ImproperlyConfigured("ANEF_S3_KMS_KEY_ID is used with ANEF_S3_SSE=aws:kms only.")
    _s3_addressing = os.environ.get("ANEF_S3_ADDRESSING_STYLE", "").strip() or None
    if _s3_addressing not in (None, "auto", "path", "virtual"):
        raise ImproperlyConfigured("ANEF_S3_ADDRESSING_STYLE must be auto, path or virtual.")
    _s3_object_parameters = {"ServerSideEncryption": _s3_sse} if _s3_sse else {}
    if _s3_kms_key:
        _s3_object_parameters["SSEKMSKeyId"] = _s3_kms_key
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["ANEF_S3_BUCKET"],
            "endpoint_url": os.environ.get("ANEF_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("ANEF_S3_REGION", "").strip() or None,
            "addressing_style": _s3_addressing,
            "signature_version": os.environ.get("ANEF_S3_SIGNATURE_VERSION", "s3v4"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "object_parameters": _s3_object_parameters,
        },
    }
    if os.environ.get("ANEF_S3_ACCESS_KEY_ID"):
        STORAGES["default"]["OPTIONS"] |= {  # noqa: F405
            "access_key": os.environ["ANEF_S3_ACCESS_KEY_ID"],
            "secret_key": os.environ["ANEF_S3_SECRET_ACCESS_KEY"],
        }
# Signing keys are never created on a machine of their own: every machine reads the same configured
# ones, and start-up fails without them (anef.core.apps).
ANEF_SIGNING_KEYS_CREATE = False
# Demo accounts have a published password: bootstrap --demo, seed_demo and demo_totp refuse to run.
ANEF_DEMO_ALLOWED = False
if ANEF_SCANNER != "clamav":  # noqa: F405
    raise ImproperlyConfigured("Production scans uploads with ClamAV: ANEF_SCANNER must be 'clamav'.")
# FranceConnect: all three variables or none (half a configuration would hide the button silently),
# and only over HTTPS.
_franceconnect = (ANEF_FRANCECONNECT_URL, ANEF_FRANCECONNECT_CLIENT_ID, ANEF_FRANCECONNECT_SECRET)  # noqa: F405
if any(_franceconnect) and not all(_franceconnect):
    raise ImproperlyConfigured(
        "FranceConnect needs ANEF_FRANCECONNECT_URL, ANEF_FRANCECONNECT_CLIENT_ID and ANEF_FRANCECONNECT_SECRET."
    )
if ANEF_FRANCECONNECT_URL and not ANEF_FRANCECONNECT_URL.startswith("https://"):  # noqa: F405
    raise ImproperlyConfigured("ANEF_FRANCECONNECT_URL must be an https:// address in production.")
# Logs as one JSON object a line for the log collector (ANEF_LOG_FORMAT=text to read them by eye).
ANEF_LOG_FORMAT = os.environ.get("ANEF_LOG_FORMAT", "json")
LOGGING["handlers"]["console"] = console_handler(ANEF_LOG_FORMAT)  # noqa: F405
ANEF_ENVIRONMENT = os.environ.get("ANEF_ENVIRONMENT", "production")
# Static files under names that carry a hash of their content (anef.css -> anef.3f2a9c1b.css), compressed
# beforehand: a new release never meets an old copy in a browser, so they may be cached for a year.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
WHITENOISE_MAX_AGE = 60  # files without a hash in their name (favicon.ico, robots.txt): a minute
