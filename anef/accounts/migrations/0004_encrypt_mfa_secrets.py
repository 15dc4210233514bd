"""Encrypt the second-factor secrets stored in clear (TOTP secrets, recovery-code seeds).

Reversible: going back decrypts them, for a version of the code without the encrypting adapter.
Both directions leave values already in the wanted form as they are, so a rerun changes nothing.
"""

from django.db import migrations


def _rewrite(apps, function):
    from anef.accounts.mfa import transform_data

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.only("pk", "type", "data").iterator():
        data = transform_data(authenticator.type, authenticator.data, function)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt(apps, schema_editor):
    from anef.accounts.mfa import encrypt_secret, is_encrypted

    _rewrite(apps, lambda value: value if is_encrypted(value) else encrypt_secret(value))


def decrypt(apps, schema_editor):
    from anef.accounts.mfa import decrypt_secret, is_encrypted

    _rewrite(apps, lambda value: decrypt_secret(value) if is_encrypted(value) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_person_claim_code"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
