from django.core.management.base import BaseCommand

from anef.territory.services import territory_load


class Command(BaseCommand):
    help = "Create or update prefectures and départements from anef/territory/data/departements.csv."

    def handle(self, *args, **options):
        count = territory_load()
        self.stdout.write(f"Territory loaded: {count} départements.")
