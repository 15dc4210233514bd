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


MAX_ATTEMPTS = 6  # then the notification is failed and shown to administrators
