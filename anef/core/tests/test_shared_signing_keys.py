"""Every machine signs and checks with the same keys: a document signed on one is valid on the other,
the published keys are the same everywhere, and production never makes a key of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from anef.core import signing
from anef.testing.production import start_production

ROOT = Path(__file__).resolve().parents[3]
SIGN_AND_PUBLISH = (
    "import django, json; django.setup();"
    "from anef.core.signing import published_keys, sign;"
    "print(json.dumps({'payload': sign({'n': 'X1'}), 'keys': published_keys()}))"
)


def _machine(env: dict, code: str = SIGN_AND_PUBLISH, settings: str = "anef.settings.test"):
    """One more process, as another machine would run it: its own key folder, the shared settings."""
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_two_machines_with_the_configured_keys_publish_the_same_keys_and_check_each_others_documents(tmp_path):
    shared = f"{signing._new_kid()}={signing.b64e(os.urandom(32))}"
    answers = []
    for machine in ("one", "two"):
        done = _machine({"ANEF_SIGNING_KEYS": shared, "ANEF_SIGNING_KEYS_DIR": str(tmp_path / machine)})
        assert done.returncode == 0, done.stderr
        answers.append(json.loads(done.stdout.strip().splitlines()[-1]))

    one, two = answers
    assert one["keys"] == two["keys"]  # /.well-known/anef-keys.json answers the same on every machine
    published = {
        k["kid"]: signing.Ed25519PublicKey.from_public_bytes(signing.b64d(k["public_key"])) for k in one["keys"]["keys"]
    }
    assert signing.verify(two["payload"], keys=published)["n"] == "X1"
    assert signing.verify(one["payload"], keys=published)["n"] == "X1"
    assert not any((tmp_path / machine).exists() for machine in ("one", "two")), "no machine made a key of its own"


def test_rotation_keeps_the_old_key_published_and_checking_what_it_signed(settings):
    old, new = (f"{signing._new_kid()}={signing.b64e(os.urandom(32))}" for _ in range(2))
    settings.ANEF_SIGNING_KEYS = old
    signed_before = signing.sign({"n": "OLD"})

    settings.ANEF_SIGNING_KEYS = f"{old},{new}"
    assert signing.current_key().kid == new.split("=")[0]  # the newest signs
    assert signing.verify(signed_before)["n"] == "OLD"
    assert [k["kid"] for k in signing.published_keys()["keys"]] == [old.split("=")[0], new.split("=")[0]]
    with pytest.raises(ImproperlyConfigured, match="ANEF_SIGNING_KEYS"):
        signing.key_rotate()  # the operator adds keys to the configuration, nothing writes them here


def test_a_folder_copied_to_another_machine_publishes_the_same_creation_dates(settings, tmp_path):
    settings.ANEF_SIGNING_KEYS, settings.ANEF_SIGNING_KEYS_DIR = "", tmp_path / "a"
    key = signing.key_rotate()
    copy = tmp_path / "b"
    copy.mkdir()
    (copy / f"{key.kid}.pem").write_bytes((tmp_path / "a" / f"{key.kid}.pem").read_bytes())
    os.utime(copy / f"{key.kid}.pem", (0, 0))  # another machine's file date

    first = signing.published_keys()
    settings.ANEF_SIGNING_KEYS_DIR = copy
    assert signing.published_keys() == first


def test_production_refuses_to_start_without_keys_and_says_what_to_set(tmp_path):
    no_keys = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "ANEF_SIGNING_KEYS_DIR": str(tmp_path / "keys")}
    refused = start_production(ANEF_SIGNING_KEYS=None, **no_keys)
    assert refused.returncode != 0
    assert "No signing key" in refused.stderr and "ANEF_SIGNING_KEYS" in refused.stderr
    assert not (tmp_path / "keys").exists()

    key = f"{signing._new_kid()}={signing.b64e(os.urandom(32))}"
    started = start_production(ANEF_SIGNING_KEYS=key, **no_keys)
    assert started.returncode == 0, started.stderr
