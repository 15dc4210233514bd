import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from anef.core.append_only import append_only_triggers

from .requested import requested_items
from .workflow import CASEWORK_STATES, PENDING_DECISION_STATES, TERMINAL_STATES, EventKind, State

REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY345679"  # no 0/O, 1/I, 2/Z, 8/B lookalikes


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{body[:4]}-{body[4:]}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")


class Application(models.Model):
    reference = models.CharField(_("application number"), max_length=12, unique=True, default=new_reference)
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="applications")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="applications")
    procedure_version = models.PositiveIntegerField(_("procedure version"))
    family_key = models.CharField(max_length=120)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField(_("in this state since"), auto_now_add=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    prefecture = models.ForeignKey(
        "territory.Prefecture", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    eligibility = models.JSONField(_("eligibility answers"), default=dict, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # What was typed in a draft's form but could not be read as an answer yet (a date like
    # "31/02", a number with letters), kept as typed so that saving for later loses nothing:
    # {field name: typed text}. Never read as an answer; submission waits until it is corrected.
    typed_input = models.JSONField(_("answers to correct"), default=dict, blank=True)
    # Set once at the first submission and never changed by later corrections.
    filed_at = models.DateTimeField(_("filed on"), null=True, blank=True)
    # Postal filings registered at the counter: the postmark is the filing date (SPEC §2).
    postmarked_on = models.DateField(_("postmark date"), null=True, blank=True)
    filed_in_time = models.BooleanField(_("renewal filed in time"), null=True, blank=True)
    permit_expires_on_at_filing = models.DateField(_("permit expiry date at filing"), null=True, blank=True)
    permit_type_at_filing = models.CharField(max_length=20, blank=True)
    permit_allows_work_at_filing = models.BooleanField(null=True, blank=True)
    # Filing date + the procedure's target time: what "overdue" and the expected decision date mean.
    due_at = models.DateTimeField(_("decision expected by"), null=True, blank=True, db_index=True)
    # The date the file is due on, as the queue's "due first" order reads it: waiting for the applicant, the
    # open request's deadline; waiting for a decision, `due_at`; otherwise none. Kept by `kernel.keep_next_due`
    # after every change of state or deadline (decision 0021), so the queue walks an index.
    next_due = models.DateTimeField(null=True, blank=True, editable=False)
    draft_reminded_at = models.DateTimeField(null=True, blank=True)
    # An appeal (recours gracieux) is a new application linked to the refused one; granting it
    # reopens the refused file, whose history goes on (SPEC §4, §9).
    appeal_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("appeal against"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "family_key"],
                condition=models.Q(state__in=sorted(PENDING_DECISION_STATES)),
                name="one_pending_application_per_family",
                violation_error_message=_("An application of this kind is already waiting for a decision."),
            ),
            # A draft discarded before any submission ends withdrawn without ever having been filed.
            models.CheckConstraint(
                condition=models.Q(state__in=[State.DRAFT, State.WITHDRAWN]) | models.Q(filed_at__isnull=False),
                name="filed_unless_draft",
            ),
        ]
        indexes = [
            models.Index(fields=["prefecture", "state"]),
            models.Index(fields=["person", "state"]),
            # Supervision's lists of a prefecture's pending files, each read in its own order and stopped at
            # the first fifty: an index walk, however many files the prefecture holds (decision 0021).
            models.Index(
                fields=["prefecture", "next_due", "filed_at", "id"],
                condition=models.Q(state__in=sorted(CASEWORK_STATES)),
                name="app_open_due_first",
            ),
            models.Index(fields=["prefecture", "state", "next_due", "filed_at", "id"], name="app_state_due_first"),
            models.Index(
                fields=["prefecture", "state_changed_at"],
                condition=models.Q(state__in=sorted(PENDING_DECISION_STATES)),
                name="app_pending_by_idleness",
            ),
            models.Index(
                fields=["prefecture", "filed_at"],
                condition=models.Q(state__in=sorted(PENDING_DECISION_STATES), assigned_to__isnull=True),
                name="app_pending_unassigned",
            ),
            models.Index(
                fields=["prefecture", "permit_expires_on_at_filing"],
                condition=models.Q(state__in=sorted(PENDING_DECISION_STATES)),
                name="app_pending_by_expiry",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    def clean(self):
        if self.state not in (State.DRAFT, State.WITHDRAWN) and self.filed_at is None:
            raise ValidationError(_("A filed application must have a filing date."))


class ApplicationEvent(models.Model):
    """Append-only history of an application: every change writes one row in its transaction."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    # PROTECT: an account that acted stays (deactivated, never deleted); setting the actor to NULL
    # would rewrite the history, which the database refuses.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=20, blank=True)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["application", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["application", "sequence"], name="unique_event_sequence"),
        ]
        # The few files whose automatic API failed (supervision): found from here, not by reading every file.
        indexes = [
            models.Index(
                fields=["application", "created_at"],
                condition=models.Q(kind=EventKind.API_ISSUE_FAILED),
                name="event_api_issue_failed",
            ),
            # When a file ended or was reopened: the public figures ask it of every filed file each night
            # (transparency.services.figures_compute), a probe here instead of reading each file's history.
            models.Index(
                fields=["application", "created_at"],
                condition=models.Q(
                    kind__in=sorted(
                        [
                            EventKind.ACCEPT,
                            EventKind.REFUSE,
                            EventKind.WITHDRAW,
                            EventKind.CLOSE_NO_ACTION,
                            EventKind.REOPEN_ON_APPEAL,
                        ]
                    )
                ),
                name="event_ends_and_reopenings",
            ),
        ]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.application_id}#{self.sequence} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Application events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Application events are append-only")


class InformationRequest(models.Model):
    """A request for documents or information: puts the file in awaiting_applicant until answered."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="information_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    items = models.JSONField(_("what is missing"), default=list)
    message = models.TextField(_("message"))
    deadline = models.DateField(_("deadline"))
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(answered_at__isnull=True), name="one_open_request_per_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} request {self.created_at:%Y-%m-%d}"

    @property
    def requested_items(self) -> list:
        """The items asked for, ready to read in the active language (`applications.requested`)."""
        return requested_items(self.application.procedure, self.items)


class CaseNote(models.Model):
    """A private note between colleagues: never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note on {self.application_id}"


class StaffRead(models.Model):
    """Every read of a file or a document by staff (SPEC §10). Append-only; kept apart from the
    application's history so that reading never locks or reorders the file."""

    class Kind(models.TextChoices):
        CASE = "case", _("Case page")
        DOCUMENT = "document", _("Document")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="staff_reads")
    document = models.ForeignKey(
        "documents.UploadedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.actor_id} read {self.application_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Staff reads are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Staff reads are append-only")


class HistoryDigest(models.Model):
    """The seal of one day (local time) of the applications' history: the day's events, ordered by
    id, chained by SHA-256 from the previous day's digest, the result signed with the documents' key.
    Written by the `seal_history` sweep, checked by `manage.py verify_history` (anef/applications/sealing.py)."""

    day = models.DateField(unique=True)
    count = models.PositiveIntegerField()
    first_event_id = models.BigIntegerField(null=True)
    last_event_id = models.BigIntegerField(null=True)
    digest = models.CharField(max_length=64)  # hex SHA-256
    previous_digest = models.CharField(max_length=64)
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)  # base64url Ed25519 signature of the statement
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.day} {self.digest[:12]}"


class SealedEvent(models.Model):
    """The hash of one sealed history row, kept when the row is purged by retention: verification
    names the event that was changed, added or removed, and a purged draft's day still verifies."""

    event_id = models.BigIntegerField(primary_key=True)
    day = models.DateField(db_index=True)
    leaf = models.CharField(max_length=64)  # hex SHA-256 of the event's canonical bytes

    class Meta:
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.day} #{self.event_id}"


class PurgedEvent(models.Model):
    """A history row deleted by the retention sweep (with the never-filed draft it belonged to)."""

    event_id = models.BigIntegerField(primary_key=True)
    application_id = models.BigIntegerField()
    purged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"#{self.event_id} purged"
