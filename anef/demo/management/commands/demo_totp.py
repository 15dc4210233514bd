from django.core.management.base import BaseCommand, CommandError

from anef.demo.data import demo_totp_code
from anef.demo.guard import refuse_outside_the_demo


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo staff account (demo accounts only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        refuse_outside_the_demo()
        try:
            self.stdout.write(demo_totp_code(email))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
