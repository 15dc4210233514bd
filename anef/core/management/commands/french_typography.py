"""Write the catalogue that gives the libraries' French texts French typography.

allauth, django-dsfr and Django itself ship French translations with ordinary spaces before « : ? »
("Mot de passe oublié ?"). This command reads their French catalogues and writes, in
anef/locale_typography, only the entries whose French changes with `french_spacing`; Django reads
that folder after anef/locale and before the libraries (settings.LOCALE_PATHS). Run it after
upgrading one of them; `compile_translations` compiles it with the others.
"""

import importlib
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from anef.core.typography import french_spacing

LIBRARIES = ("allauth", "dsfr", "django", "django_countries")


class Command(BaseCommand):
    help = "Give the libraries' French translations French typography (anef/locale_typography)."

    def handle(self, *args, **options):
        overlay = polib.POFile()
        overlay.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Language": "fr",
            "Plural-Forms": "nplurals=2; plural=(n > 1);",
        }
        seen = set()
        for library in LIBRARIES:
            root = Path(importlib.import_module(library).__file__).parent
            for path in sorted(root.rglob("locale/fr/LC_MESSAGES/django.po")):
                for entry in polib.pofile(str(path)):
                    if entry.obsolete or "fuzzy" in entry.flags or (entry.msgctxt, entry.msgid) in seen:
                        continue
                    fixed = _fixed(entry)
                    if fixed is not None:
                        seen.add((entry.msgctxt, entry.msgid))
                        overlay.append(fixed)
        target = Path(settings.BASE_DIR) / "anef" / "locale_typography" / "fr" / "LC_MESSAGES" / "django.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        overlay.save(str(target))
        self.stdout.write(f"{len(overlay)} French texts of the libraries given French typography: {target}")


def _fixed(entry):
    if entry.msgid_plural:
        plural = {index: french_spacing(text) for index, text in entry.msgstr_plural.items()}
        if plural == entry.msgstr_plural or not all(plural.values()):
            return None
        return polib.POEntry(
            msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural, msgstr_plural=plural
        )
    if not entry.msgstr or french_spacing(entry.msgstr) == entry.msgstr:
        return None
    return polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr=french_spacing(entry.msgstr))
