from django.core.management.base import BaseCommand

from anef.procedures.loader import load_catalogue


class Command(BaseCommand):
    help = "Create or update the procedures from the YAML catalogue (anef/procedures/catalogue/)."

    def handle(self, *args, **options):
        created, updated = load_catalogue()
        self.stdout.write(f"Catalogue loaded: {created} created, {updated} updated.")
