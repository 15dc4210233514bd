"""Re-encrypt every second-factor secret under the first key of ANEF_MFA_ENCRYPTION_KEY (rotation)."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from anef.accounts.mfa import decrypt_secret, encrypt_secret, transform_data


class Command(BaseCommand):
    help = "Re-encrypt the second-factor secrets under the first configured key (after adding a new key first)."

    @transaction.atomic
    def handle(self, *args, **options):
        count = 0
        for authenticator in Authenticator.objects.select_for_update().only("pk", "type", "data"):
            data = transform_data(authenticator.type, authenticator.data, lambda v: encrypt_secret(decrypt_secret(v)))
            if data != authenticator.data:
                Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
                count += 1
        self.stdout.write(f"{count} second-factor secrets re-encrypted under the first key.")
