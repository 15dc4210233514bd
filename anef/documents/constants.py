from django.db import models
from django.utils.translation import gettext_lazy as _


class ScanStatus(models.TextChoices):
    """Whether a malware scanner found the stored file clean. Only clean files are shown to staff."""

    # Rows stored before uploads were scanned (and rebuilt): never shown to staff as they are.
    NOT_SCANNED = "not_scanned", _("Not checked for viruses")
    CLEAN = "clean", _("Checked: no virus found")
