from django.core.management.base import BaseCommand

from anef.transparency.services import figures_backfill


class Command(BaseCommand):
    help = "Rebuild the processing figures of one day a week over the past weeks, and today, from the histories."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=26)

    def handle(self, *args, weeks, **options):
        days = figures_backfill(weeks=weeks)
        self.stdout.write(f"Processing figures recorded for {days} days.")
