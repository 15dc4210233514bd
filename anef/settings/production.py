"""Production: override only. Everything else comes from the environment through base.py."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["ANEF_SECRET_KEY"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("ANEF_SSL_REDIRECT", "true") == "true"
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
EMAIL_BACKEND = os.environ.get("ANEF_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
if os.environ.get("ANEF_S3_BUCKET"):
    # S3-compatible object storage (django-storages must be installed in production images).
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": os.environ["ANEF_S3_BUCKET"], "querystring_auth": True},
    }
if ANEF_SCANNER != "clamav":  # noqa: F405
    raise ImproperlyConfigured("Production scans uploads with ClamAV: ANEF_SCANNER must be 'clamav'.")
