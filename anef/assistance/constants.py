from django.db import models
from django.utils.translation import gettext_lazy as _


class MandateOrigin(models.TextChoices):
    """How the person gave their consent: shown to the person, the helper, the structure and the
    administrator."""

    ONLINE = "online", _("given online by the person")
    COUNTER = "counter", _("given at a prefecture counter, identity checked")
    PAPER = "paper", _("signed on paper, confirmed by the person with a code")


# A paper mandate waits this long for the person's confirmation code, then lapses.
CONFIRMATION_DAYS = 7
# Wrong codes typed by the helper before the request is cancelled (the helper can only block their
# own request, never the person's account).
MAX_CODE_ATTEMPTS = 5
