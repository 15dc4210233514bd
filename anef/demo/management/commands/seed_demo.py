from django.core.management.base import BaseCommand

from anef.demo.data import DEMO_PASSWORD, demo_accounts, seed_demo
from anef.demo.guard import refuse_outside_the_demo


class Command(BaseCommand):
    help = "Create the demo prefectures' sites, demo accounts for every role and applications in every state."

    def handle(self, *args, **options):
        refuse_outside_the_demo()
        created = seed_demo()
        self.stdout.write("Demo data created." if created else "Demo data already present.")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, label in demo_accounts():
            self.stdout.write(f"  {email:<42} {label}")
