from django.conf import settings
from django.db import models


class SubmissionToken(models.Model):
    """One state-changing request, claimed once (see `anef.core.submit_once`).

    `key` is a digest of the one-time token (a form's hidden field or the API's `Idempotency-Key`
    header), the user and the path: the database's unique index decides which of two identical
    requests runs; the other waits for `status` to become done and answers what the first did."""

    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    # Flash messages of a form's first answer, replayed to its duplicates: [[level, text, tags, safe]].
    messages = models.JSONField(default=list, blank=True)
    # An API write's first answer, replayed to a retry with the same Idempotency-Key.
    content_type = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.path} ({self.status})"
