from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Paper letter")


class NotificationState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Waiting to retry")
    FAILED = "failed", _("Failed")


class PrintRunState(models.TextChoices):
    PREPARED = "prepared", _("Ready to print")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class PostageClass(models.TextChoices):
    GREEN = "green", _("Lettre verte (standard)")
    REGISTERED = "registered", _("Registered letter")
    REGISTERED_AR = "registered_ar", _("Registered letter with proof of delivery")


MAX_ATTEMPTS = 6  # then the notification is failed and shown to administrators
