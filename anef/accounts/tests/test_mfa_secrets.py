"""Second-factor secrets are encrypted at rest; signing in with them still works."""

import importlib
import json
import os
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from anef.accounts.mfa import SecretNotReadable, decrypt_secret
from anef.core.signing import b64e
from anef.testing import PASSWORD, make_staff, totp_now

pytestmark = pytest.mark.django_db


def stored_row(authenticator_id: int) -> str:
    """The row as the database holds it (what a stolen backup would show)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator_id])
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value)


def test_the_totp_secret_is_not_in_the_database_and_signing_in_with_a_code_still_works(client):
    agent = make_staff()
    totp = Authenticator.objects.get(user=agent, type=Authenticator.Type.TOTP)

    row = stored_row(totp.pk)
    assert agent.totp_secret not in row
    assert "enc1:" in row

    response = client.post(reverse("account_login"), {"login": agent.email, "password": PASSWORD})
    response = client.post(response["Location"], {"code": totp_now(agent.totp_secret)})
    assert response["Location"] == reverse("backoffice:queue")
    assert client.get(reverse("backoffice:queue")).status_code == 200


def test_the_recovery_codes_seed_is_not_in_the_database_and_the_codes_still_work():
    agent = make_staff()
    codes = RecoveryCodes.activate(agent)
    seed = decrypt_secret(codes.instance.data["seed"])

    assert seed not in stored_row(codes.instance.pk)
    code = codes.get_unused_codes()[0]
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).validate_code(code)


def test_a_changed_byte_in_a_stored_secret_is_refused_not_used():
    totp = Authenticator.objects.get(user=make_staff(), type=Authenticator.Type.TOTP)
    stored = totp.data["secret"]
    forged = stored[:-5] + ("A" if stored[-5] != "A" else "B") + stored[-4:]

    with pytest.raises(SecretNotReadable):
        decrypt_secret(forged)
    with pytest.raises(SecretNotReadable):
        decrypt_secret("JBSWY3DPEHPK3PXP")  # a secret left in clear is never used as it is


def test_the_migration_encrypts_the_secrets_left_in_clear_and_going_back_decrypts_them():
    migration = importlib.import_module("anef.accounts.migrations.0004_encrypt_mfa_secrets")
    agent = make_staff(mfa=False)
    clear = Authenticator.objects.create(user=agent, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    seed = Authenticator.objects.create(
        user=agent, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "ab" * 40, "used_mask": 0}
    )

    migration.encrypt(apps, None)
    migration.encrypt(apps, None)  # a second run changes nothing

    assert "JBSWY3DPEHPK3PXP" not in stored_row(clear.pk)
    assert "ab" * 40 not in stored_row(seed.pk)
    assert TOTP(Authenticator.objects.get(pk=clear.pk)).validate_code(totp_now("JBSWY3DPEHPK3PXP"))

    migration.decrypt(apps, None)
    assert Authenticator.objects.get(pk=clear.pk).data == {"secret": "JBSWY3DPEHPK3PXP"}
    assert Authenticator.objects.get(pk=seed.pk).data == {"seed": "ab" * 40, "used_mask": 0}


def test_a_key_rotation_reencrypts_every_secret_under_the_new_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(ANEF_MFA_ENCRYPTION_KEYS=[old]):
        agent = make_staff()
    with override_settings(ANEF_MFA_ENCRYPTION_KEYS=[new, old]):
        call_command("reencrypt_mfa_secrets", stdout=open(os.devnull, "w"))  # noqa: SIM115
    totp = Authenticator.objects.get(user=agent, type=Authenticator.Type.TOTP)
    with override_settings(ANEF_MFA_ENCRYPTION_KEYS=[new]):
        assert decrypt_secret(totp.data["secret"]) == agent.totp_secret
    with override_settings(ANEF_MFA_ENCRYPTION_KEYS=[old]), pytest.raises(SecretNotReadable):
        decrypt_secret(totp.data["secret"])


def _start_production(**environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANEF_MFA")}
    # The rest of what production requires (a signing key shared by every machine) is given.
    signing_key = f"k20260101000000000000={b64e(bytes(32))}"
    env.update(
        DJANGO_SETTINGS_MODULE="anef.settings.production",
        ANEF_SECRET_KEY="x" * 50,
        ANEF_SIGNING_KEYS=signing_key,
        ANEF_SMS_BACKEND="anef.notifications.sms.HttpSmsBackend",
        ANEF_SMS_HTTP_URL="https://sms.example/v1/messages",
        **environment,
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_an_encryption_key_for_the_second_factor():
    refused = _start_production()
    assert refused.returncode != 0
    assert "ANEF_MFA_ENCRYPTION_KEY must be set in production" in refused.stderr

    assert _start_production(ANEF_MFA_ENCRYPTION_KEY="not-a-key").returncode != 0
    started = _start_production(ANEF_MFA_ENCRYPTION_KEY=Fernet.generate_key().decode())
    assert started.returncode == 0, started.stderr


def test_demo_totp_prints_the_current_code_of_a_demo_account_from_its_encrypted_secret():
    import io

    from allauth.mfa.totp.internal.auth import generate_totp_secret

    from anef.accounts.models import User
    from anef.demo.data import DOMAIN

    user = User.objects.create_user(f"agent.totp@{DOMAIN}", PASSWORD)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    out = io.StringIO()
    call_command("demo_totp", user.email, stdout=out)
    assert out.getvalue().strip() == totp_now(secret)
