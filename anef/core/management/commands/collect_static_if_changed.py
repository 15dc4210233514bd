import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "collectstatic (with the .gz and .br copies WhiteNoise serves) only when a static source changed: "
        "./run serves compressed files as production does and still starts in seconds."
    )

    def handle(self, *args, **options):
        digest = hashlib.sha256()
        for finder in finders.get_finders():
            for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
                with storage.open(path) as source:
                    digest.update(f"{path}\n".encode() + hashlib.sha256(source.read()).digest())
        stamp = settings.STATIC_ROOT / f".collected-{digest.hexdigest()[:16]}"
        if stamp.exists():
            self.stdout.write("Static files: already collected.")
            return
        self.stdout.write("Static files: collecting and compressing them (about a minute, once per change) ...")
        call_command("collectstatic", "--noinput", verbosity=0)
        for old in settings.STATIC_ROOT.glob(".collected-*"):
            old.unlink()
        stamp.touch()
