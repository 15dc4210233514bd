from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from anef.core.schedules import SWEEPS


class Command(BaseCommand):
    help = "Run one periodic sweep now (they are safe to run twice). Names: " + ", ".join(SWEEPS)

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(SWEEPS))

    def handle(self, *args, name, **options):
        if name not in SWEEPS:
            raise CommandError(f"Unknown sweep {name}")
        result = import_string(SWEEPS[name][0])()
        self.stdout.write(f"{name}: {result}")
