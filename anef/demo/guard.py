"""The demo's accounts have a published password and `demo_totp` prints anyone's second-factor
code: none of it may run where real people's files are (ANEF_DEMO_ALLOWED is False in production)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def refuse_outside_the_demo() -> None:
    if not settings.ANEF_DEMO_ALLOWED:
        raise CommandError(
            _(
                "Refused: this is a production configuration (ANEF_DEMO_ALLOWED is off). The demo data has "
                "accounts with a published password and is never created here."
            )
        )
