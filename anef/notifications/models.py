from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import Channel, NotificationState, PostageClass, PrintRunState


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
    # The event of the application's history this notification tells about (none for reminders).
    event = models.ForeignKey(
        "applications.ApplicationEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Paper letters only: the print run that carries it (none while it waits to be printed).
    print_run = models.ForeignKey("PrintRun", null=True, blank=True, on_delete=models.PROTECT, related_name="letters")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.person_id}: {self.subject}"


class PrintRun(models.Model):
    """A batch of paper letters printed together and handed to the post: one PDF to print (a
    deposit slip, then the letters), then the posting recorded with its date, class and cost.

    A letter belongs to at most one run that is not cancelled; preparing takes letters with a
    conditional update, so two agents preparing at once never print the same letter twice.
    """

    State = PrintRunState
    PostageClass = PostageClass

    number = models.CharField(_("number"), max_length=40, unique=True)
    prefecture = models.ForeignKey(
        "territory.Prefecture", null=True, blank=True, on_delete=models.PROTECT, related_name="print_runs"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PREPARED)
    letter_count = models.PositiveIntegerField(_("letters"))
    pdf = models.FileField(upload_to="print-runs/%Y/%m/", max_length=200, blank=True)  # built in the background
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared on"), auto_now_add=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    postage_class = models.CharField(_("postage"), max_length=20, choices=PostageClass.choices, blank=True)
    postage_cost = models.DecimalField(_("postage cost (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True)
    deposit_reference = models.CharField(_("deposit slip number"), max_length=60, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=PrintRunState.POSTED)
                | (Q(posted_on__isnull=False) & Q(postage_cost__isnull=False) & ~Q(postage_class="")),
                name="print_run_posted_has_postage",
            ),
            models.CheckConstraint(condition=Q(letter_count__gt=0), name="print_run_not_empty"),
        ]

    def __str__(self) -> str:
        return self.number


class AgentDigest(models.Model):
    """The daily mail to an agent listing the news on the files in their charge (documents added or
    replaced, answers to requests, declarations joined): one row per agent and day, created by the
    `send_agent_digests` sweep with the task that sends it, so that running the sweep twice sends
    one mail, and a retried task never sends twice (`sent_at`)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    # {reference: [kinds of the news]}, as the mail lists them.
    files = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["agent", "day"], name="one_digest_per_agent_and_day")]

    def __str__(self) -> str:
        return f"digest {self.agent_id} {self.day}"
