"""Recompute every sealed day of the applications' history and check it (anef/applications/sealing.py)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anef.applications.sealing import history_verify, keys_from_published


class Command(BaseCommand):
    help = (
        "Check the sealed history: each day's link to the day before, its signature against the published keys, "
        "and every event against its hash. Exits with an error naming the first day and event that differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keys",
            type=Path,
            help="a saved copy of /.well-known/anef-keys.json to check the signatures against "
            "(by default, the keys this deployment publishes)",
        )

    def handle(self, *args, keys=None, **options):
        public_keys = None
        if keys is not None:
            try:
                public_keys = keys_from_published(json.loads(keys.read_text()))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"{keys}: not a key document in the anef-keys/1 format ({exc})") from exc
        checks = history_verify(keys=public_keys)
        if not checks:
            self.stdout.write("No day of the history is sealed yet.")
            return
        for check in checks:
            purged = f", {check.purged} purged by retention" if check.purged else ""
            line = f"{check.day}  {'OK    ' if check.ok else 'FAILED'}  {check.count} events{purged}"
            if check.ok:
                self.stdout.write(line)
            else:
                self.stdout.write(self.style.ERROR(f"{line}: {'; '.join(check.problems)}"))
        failed = [check for check in checks if not check.ok]
        if failed:
            first = failed[0]
            raise CommandError(
                f"The history does not verify: {len(failed)} of {len(checks)} sealed days differ. "
                f"First difference: {first.day}, {first.problems[0]}."
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(checks)} sealed days verified, from {checks[0].day} to {checks[-1].day}.")
        )
