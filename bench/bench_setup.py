"""What every database benchmark does first: Django on the bench database (SQLite in var/bench/,
or DATABASE_URL), migrated, with the territory and the catalogue loaded."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_django(folder: str = "bench") -> None:
    """`folder` under var/ holds the SQLite database: a benchmark that fills it with its own data
    takes its own folder, so the others keep theirs."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("ANEF_VAR_DIR", str(ROOT / "var" / folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anef.settings.base")
    Path(os.environ["ANEF_VAR_DIR"]).mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.management import call_command

    for command in ("migrate", "load_territory", "load_catalogue"):
        call_command(command, verbosity=0)
