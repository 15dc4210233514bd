from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, create the cache table, load the territory and the catalogue. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also create the demo data.")

    def handle(self, *args, demo=False, **options):
        if demo and not settings.ANEF_DEMO_ALLOWED:  # before anything changes
            call_command("seed_demo")  # refuses, with the reason
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_territory")
        call_command("load_catalogue")
        from anef.core.schedules import install_schedules

        self.stdout.write(f"Schedules installed: {install_schedules()} sweeps.")
        if demo:
            call_command("seed_demo")
