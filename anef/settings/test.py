"""Test settings: override only."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
else:
    # Tests use an in-memory SQLite database (shared with the live server's threads by Django).
    DATABASES["default"]["NAME"] = str(VAR_DIR / "test.sqlite3")  # noqa: F405
    DATABASES["default"]["OPTIONS"].pop("init_command", None)  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "confirm_email": "100/m/key"}  # noqa: F405
ANEF_SMS_BACKEND = os.environ.get("ANEF_SMS_BACKEND", "anef.notifications.sms.MemorySmsBackend")
ANEF_SIGNING_KEYS_DIR = VAR_DIR / "test-keys" / str(os.getpid())
# Uploads are scanned by the fake (finds EICAR); the corpus test also runs ClamAV when clamd is there.
ANEF_SCANNER = os.environ.get("ANEF_SCANNER", "fake")
