from django.db import migrations
from django.utils import timezone


def start_the_clock(apps, schema_editor):
    """Offers made before offers could lapse have no date: they hold from now, like a new offer."""
    WaitlistEntry = apps.get_model("appointments", "WaitlistEntry")
    WaitlistEntry.objects.filter(offered_at__isnull=True).exclude(offer_token="").update(offered_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_waitlist_offer_expiry")]

    operations = [migrations.RunPython(start_the_clock, migrations.RunPython.noop)]
