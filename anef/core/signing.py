"""Ed25519 signatures for the QR payload of issued documents.

Keys live outside the database, one PEM file per key in ANEF_SIGNING_KEYS_DIR, named `<kid>.pem`.
The newest key signs; every key ever used stays to verify what it signed (rotation never breaks old
documents). Public keys are published at /.well-known/anef-keys.json (format in docs/verification.md).

QR payload: `ANEF1.<base64url(json)>.<base64url(signature)>`, the JSON being compact with sorted keys.
"""

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

PREFIX = "ANEF1"


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


def _load(path: Path) -> SigningKey:
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    created = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return SigningKey(kid=path.stem, private=private, created=created)


def all_keys() -> list[SigningKey]:
    folder = keys_dir()
    if not folder.exists():
        return []
    return sorted((_load(p) for p in folder.glob("*.pem")), key=lambda k: (k.kid,))


def key_rotate() -> SigningKey:
    """Create a new signing key; it signs from now on. Kids sort by creation: `k<yyyymmddHHMMSSffffff>`."""
    folder = keys_dir()
    folder.mkdir(parents=True, exist_ok=True)
    kid = f"k{datetime.now(tz=UTC):%Y%m%d%H%M%S%f}"
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = folder / f"{kid}.pem"
    path.write_bytes(pem)
    path.chmod(0o600)
    return _load(path)


def current_key() -> SigningKey:
    keys = all_keys()
    return keys[-1] if keys else key_rotate()


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
        prefix, body_b64, signature_b64 = payload.strip().split(".")
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
