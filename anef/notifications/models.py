from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import Channel, NotificationState


class Notification(models.Model):
    """One message to one person on one channel: the durable outbox (SPEC §8).

    Created in the transaction of the change that causes it, with an idempotency key that makes a
    second creation impossible; sent by a background task that locks the row, so a retried or
    duplicated task never sends twice.
    """

    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="notifications")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=5)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("message"))
    kind = models.CharField(max_length=40)
    idempotency_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=NotificationState.choices, default=NotificationState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    letter = models.FileField(upload_to="letters/%Y/%m/", blank=True, max_length=200)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.person_id}: {self.subject}"
