from django.core.management.base import BaseCommand

from anef.core.signing import all_keys, current_key, key_rotate


class Command(BaseCommand):
    help = "List the signing keys, or create a new one that signs from now on (--rotate)."

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true")

    def handle(self, *args, rotate=False, **options):
        if rotate:
            self.stdout.write(f"New signing key: {key_rotate().kid}")
        current = current_key().kid
        for key in all_keys():
            self.stdout.write(f"{key.kid} {'(signing)' if key.kid == current else '(verifies only)'}")
