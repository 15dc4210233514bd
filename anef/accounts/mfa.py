"""Second-factor secrets encrypted at rest.

allauth keeps the TOTP secret (`Authenticator.data["secret"]`) and the recovery codes' seed
(`data["seed"]`, and `data["migrated_codes"]`) through its adapter's `encrypt()`/`decrypt()` hooks.
Ours seals them with Fernet (AES-128-CBC with HMAC-SHA256: authenticated, a changed byte is
refused) under the keys of `ANEF_MFA_ENCRYPTION_KEYS`: the first encrypts, every one decrypts, so a
key is rotated by putting the new one first, re-encrypting (`manage.py reencrypt_mfa_secrets`), then
dropping the old one. Without a configured key (demo, tests) the key is derived from SECRET_KEY;
production settings refuse to start without one.

Stored form: `enc1:<Fernet token>`. A value without the prefix is refused, never used as it is.
"""

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"


class SecretNotReadable(ValueError):
    """A stored second-factor secret is in clear, or was encrypted under a key we no longer have."""


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY (demo and tests only)."""
    digest = hashlib.sha256(b"anef.mfa.encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    keys = settings.ANEF_MFA_ENCRYPTION_KEYS or [derived_key(settings.SECRET_KEY)]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "ANEF_MFA_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes), separated by commas."
        ) from exc


def encrypt_secret(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode("ascii")


def decrypt_secret(stored: str) -> str:
    if not isinstance(stored, str) or not stored.startswith(PREFIX):
        raise SecretNotReadable("this second-factor secret is not encrypted (run the accounts migrations)")
    try:
        return _fernet().decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
    except InvalidToken as exc:
        raise SecretNotReadable("this second-factor secret does not open with the configured keys") from exc


def is_encrypted(stored) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)


# The fields of Authenticator.data that hold secrets, by authenticator type.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def transform_data(kind: str, data: dict, function) -> dict:
    """`data` with every secret field passed through `function` (e.g. encrypt what is in clear)."""
    data = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if field in data:
            data[field] = function(data[field])
    for field in SECRET_LISTS.get(kind, ()):
        if isinstance(data.get(field), list):
            data[field] = [function(value) for value in data[field]]
    return data
