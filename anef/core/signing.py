"""Ed25519 signatures for the QR payload of issued documents.

Keys live outside the database, and every machine must read the same ones (a document signed on one
machine is checked on another). They come from one source (docs/operations.md, "Signing keys"):
- `ANEF_SIGNING_KEYS`, an environment variable (or a secret mounted as one): `kid=<base64url of
  the 32-byte Ed25519 private key>`, comma-separated; `python -m anef.core.signing` prints a new
  entry to add;
- else a folder every machine mounts, `ANEF_SIGNING_KEYS_DIR`, one PEM file per key, `<kid>.pem`;
- or any class named by `ANEF_SIGNING_KEYS_SOURCE` with a `keys()` method (a KMS, later).
The newest key (kids sort by creation) signs; every key ever used stays to verify what it signed and
stays published (rotation never breaks old documents). Public keys are published at
/.well-known/anef-keys.json (format in docs/verification.md). Only the demo and the tests create a
key when there is none (`ANEF_SIGNING_KEYS_CREATE`); production refuses to start without one.

QR payload: `ANEF1.<base64url(json)>.<base64url(signature)>`, the JSON being compact with sorted keys.
"""

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

PREFIX = "ANEF1"
# A payload inside any text: the QR code holds it in a link (`…/verifier/?code=ANEF1…`), a PDF prints it.
PAYLOAD_IN_TEXT = re.compile(r"ANEF1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def payload_in(text: str) -> str:
    """The payload of a QR code's content, whether the raw payload or the verification link that
    holds it (what a phone's reader shows); the text itself if it holds none (refused later)."""
    match = PAYLOAD_IN_TEXT.search(text or "")
    return match.group(0) if match else (text or "").strip()


class InvalidPayload(ValueError):
    """The payload is malformed, signed by an unknown key, or its signature does not match."""


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def keys_dir() -> Path:
    return Path(settings.ANEF_SIGNING_KEYS_DIR)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    created: datetime

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _created(kid: str, fallback: datetime) -> datetime:
    """A key's creation time, from its kid (`k<yyyymmddHHMMSSffffff>`): the same on every machine,
    whatever the file dates of a copy."""
    try:
        return datetime.strptime(kid[1:], "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:
        return fallback


def _new_kid() -> str:
    return f"k{datetime.now(tz=UTC):%Y%m%d%H%M%S%f}"


class DirectorySource:
    """One PEM file per key in ANEF_SIGNING_KEYS_DIR (a folder every machine mounts)."""

    def keys(self) -> list[SigningKey]:
        folder = keys_dir()
        if not folder.exists():
            return []
        return [self._load(path) for path in folder.glob("*.pem")]

    @staticmethod
    def _load(path: Path) -> SigningKey:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{path} is not an Ed25519 key.")
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        return SigningKey(kid=path.stem, private=private, created=_created(path.stem, mtime))

    def rotate(self) -> SigningKey:
        folder = keys_dir()
        folder.mkdir(parents=True, exist_ok=True)
        kid = _new_kid()
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path = folder / f"{kid}.pem"
        path.write_bytes(pem)
        path.chmod(0o600)
        return self._load(path)


class EnvironmentSource:
    """`ANEF_SIGNING_KEYS`: `kid=<base64url raw private key>`, comma-separated. Rotation is the
    operator's: add a new entry (`python -m anef.core.signing`) and keep the old ones."""

    def keys(self) -> list[SigningKey]:
        keys = []
        for entry in filter(None, (part.strip() for part in settings.ANEF_SIGNING_KEYS.split(","))):
            kid, _, value = entry.partition("=")
            try:
                private = Ed25519PrivateKey.from_private_bytes(b64d(value.strip()))
            except ValueError as exc:
                raise ImproperlyConfigured(
                    f"ANEF_SIGNING_KEYS: the key {kid.strip()!r} is not a base64url Ed25519 private key "
                    "(python -m anef.core.signing prints a valid entry)."
                ) from exc
            keys.append(SigningKey(kid=kid.strip(), private=private, created=_created(kid.strip(), EPOCH)))
        return keys

    def rotate(self) -> SigningKey:
        raise ImproperlyConfigured(
            "The signing keys come from ANEF_SIGNING_KEYS: add the entry printed by "
            "`python -m anef.core.signing` to it on every machine (keep the old ones), then restart."
        )


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def key_source():
    if settings.ANEF_SIGNING_KEYS_SOURCE:
        return import_string(settings.ANEF_SIGNING_KEYS_SOURCE)()
    if settings.ANEF_SIGNING_KEYS:
        return EnvironmentSource()
    return DirectorySource()


def all_keys() -> list[SigningKey]:
    return sorted(key_source().keys(), key=lambda k: (k.kid,))


def key_rotate() -> SigningKey:
    """Create a new signing key; it signs from now on. Kids sort by creation: `k<yyyymmddHHMMSSffffff>`."""
    return key_source().rotate()


MISSING = (
    "No signing key: documents cannot be signed. Set ANEF_SIGNING_KEYS (python -m anef.core.signing prints "
    "an entry) or mount the same ANEF_SIGNING_KEYS_DIR on every machine (docs/operations.md, Signing keys)."
)


def require_keys() -> None:
    """At start-up where keys are never created (production): fail now, with what to do."""
    if not all_keys():
        raise ImproperlyConfigured(MISSING)


def current_key() -> SigningKey:
    keys = all_keys()
    if keys:
        return keys[-1]
    if not settings.ANEF_SIGNING_KEYS_CREATE:
        raise ImproperlyConfigured(MISSING)
    return key_rotate()


def public_keys() -> dict[str, Ed25519PublicKey]:
    return {key.kid: key.private.public_key() for key in all_keys()}


def sign(claims: dict) -> str:
    key = current_key()
    body = json.dumps({**claims, "kid": key.kid}, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return f"{PREFIX}.{b64e(body)}.{b64e(key.private.sign(body))}"


def verify(payload: str, keys: dict[str, Ed25519PublicKey] | None = None) -> dict:
    """The claims of a payload whose signature holds, else InvalidPayload. Offline-capable: pass the
    published keys instead of reading the key files."""
    try:
        prefix, body_b64, signature_b64 = payload_in(payload).split(".")
        if prefix != PREFIX:
            raise ValueError("prefix")
        body = b64d(body_b64)
        signature = b64d(signature_b64)
        claims = json.loads(body)
    except (ValueError, json.JSONDecodeError) as exc:
        raise InvalidPayload("malformed") from exc
    keys = public_keys() if keys is None else keys
    key = keys.get(claims.get("kid", ""))
    if key is None:
        raise InvalidPayload("unknown key")
    try:
        key.verify(signature, body)
    except InvalidSignature as exc:
        raise InvalidPayload("bad signature") from exc
    return claims


def published_keys() -> dict:
    return {
        "format": "anef-keys/1",
        "algorithm": "Ed25519",
        "payload": "ANEF1.<base64url(JSON, sorted keys, no spaces)>.<base64url(Ed25519 signature of the JSON bytes)>",
        "keys": [
            {"kid": key.kid, "public_key": b64e(key.public_bytes), "created": key.created.isoformat()}
            for key in all_keys()
        ],
    }


if __name__ == "__main__":  # python -m anef.core.signing: a new entry for ANEF_SIGNING_KEYS
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    print(f"{_new_kid()}={b64e(raw)}")
