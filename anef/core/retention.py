"""Retention periods (SPEC §10): what is deleted or erased, when, and the daily sweep that does it.

The periods are settings (`ANEF_RETENTION_DAYS`, read from `ANEF_RETENTION_<KEY>_DAYS`) set by the
data controller with its data protection officer; the defaults are the project's, not legal values.
They are checked at start-up against floors (`validate_retention_days`, called by the core app).

Periods count whole local days: something dated day D with a period of N days is due on day D + N,
and the daily sweep acts on that day. The sweep is idempotent: what it deleted is gone, what it
erased is marked `erased_at`, so a second run finds nothing to do. Each application is handled in
its own transaction, under its row lock, and files leave the storage only once that transaction
has committed: a rollback never leaves a row pointing at a deleted file.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.applications.constants import APPEAL_DAYS
from anef.applications.models import Application, CaseNote, StaffRead
from anef.applications.sealing import events_purge
from anef.applications.workflow import OPEN_STATES, TERMINAL_STATES, EventKind, State
from anef.core.append_only import purging
from anef.documents.models import UploadedDocument
from anef.messaging.models import Attachment
from anef.security.models import SecurityEvent
from anef.sharing.models import ShareCheck

logger = logging.getLogger(__name__)

BATCH = 200  # applications per query, rows per delete
# A never-filed draft is deleted only after its reminder has given the date at least this long before.
DRAFT_DELETION_NOTICE_DAYS = 30

# The lowest period each setting may take, and why (said in the start-up error).
FLOORS: dict[str, tuple[int, str]] = {
    "drafts": (30, "the person is reminded of a forgotten draft and must have time to act"),
    "closed_files": (
        APPEAL_DAYS + 30,
        f"a refusal can be appealed for {APPEAL_DAYS} days after it is received, and the court needs the file",
    ),
    "share_checks": (90, "the holder must see every check of a code during the code's whole validity (90 days)"),
    "staff_reads": (180, "an inquiry into a reported misuse must still find who read the file"),
    "security_events": (180, "an inquiry into a taken-over account must still find its sign-ins"),
}


def validate_retention_days(days: dict | None = None) -> dict[str, int]:
    """The periods (settings by default), checked: every key, whole numbers, none below its floor.
    Raises ImproperlyConfigured with a message that names the environment variable."""
    days = settings.ANEF_RETENTION_DAYS if days is None else days
    if not isinstance(days, dict) or set(days) != set(FLOORS):
        raise ImproperlyConfigured(f"ANEF_RETENTION_DAYS must give exactly these periods in days: {', '.join(FLOORS)}.")
    for key, (floor, why) in FLOORS.items():
        value = days[key]
        variable = f"ANEF_RETENTION_{key.upper()}_DAYS"
        if isinstance(value, bool) or not isinstance(value, int):
            raise ImproperlyConfigured(f"{variable} must be a whole number of days, not {value!r}.")
        if value < floor:
            raise ImproperlyConfigured(f"{variable} is {value} days; it cannot be less than {floor} days: {why}.")
    return dict(days)


def retention_days() -> dict[str, int]:
    return validate_retention_days()


# What the "Personal data" page says of each period, in the settings' order.
RETENTION_RULES = [
    {
        "key": "drafts",
        "what": _("Applications started but never submitted (drafts), with the documents uploaded to them"),
        "from": _("after the last change; a reminder gives the date beforehand"),
        "then": _("deleted"),
    },
    {
        "key": "closed_files",
        "what": _("Documents you uploaded and attachments of messages, once the application is closed"),
        "from": _("after the card is handed over, or the application is refused, withdrawn or closed"),
        "then": _("the files are erased; the application, its history and the documents issued to you are kept"),
    },
    {
        "key": "share_checks",
        "what": _("Checks made with your share codes (who checked, when, the answer)"),
        "from": _("after the check"),
        "then": _("deleted"),
    },
    {
        "key": "staff_reads",
        "what": _("Journal of the reads of your files by prefecture staff"),
        "from": _("after the read"),
        "then": _("deleted"),
    },
    {
        "key": "security_events",
        "what": _("Security journal: sign-ins and failed sign-ins to your account, with the address and browser used"),
        "from": _("after the sign-in"),
        "then": _("deleted"),
    },
]


def retention_table() -> list[dict]:
    """The rows of the retention table, with the periods in force."""
    days = retention_days()
    return [{**rule, "days": days[rule["key"]]} for rule in RETENTION_RULES]


def _due_before(days: int, today: date) -> datetime:
    """Rows dated (local day) up to `today - days` are due: everything before the next day began."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))


# Drafts ---------------------------------------------------------------------------------------


def _deletable_draft(application: Application) -> bool:
    # A draft reopened after a filing keeps its filing date (and the rights it gave); a postal
    # filing registered at the counter is the prefecture's to finish: neither is ever deleted.
    return application.state == State.DRAFT and application.filed_at is None and application.postmarked_on is None


def draft_deletion_date(application: Application, *, reminded_on: date | None = None) -> date | None:
    """The day a never-filed draft is deleted if nobody changes it: its period after the last
    change, and never less than the notice after the reminder (`reminded_on`, by default the day
    it was sent). None when the draft is never deleted, or has not been reminded yet."""
    if not _deletable_draft(application):
        return None
    if reminded_on is None:
        if application.draft_reminded_at is None:
            return None
        reminded_on = timezone.localdate(application.draft_reminded_at)
    by_age = timezone.localdate(application.updated_at) + timedelta(days=retention_days()["drafts"])
    return max(by_age, reminded_on + timedelta(days=DRAFT_DELETION_NOTICE_DAYS))


def _due_drafts(*, days: int, today: date) -> QuerySet[Application]:
    """Drafts whose `draft_deletion_date` is today or past (the same rule, as one query)."""
    return Application.objects.filter(
        state=State.DRAFT,
        filed_at__isnull=True,
        postmarked_on__isnull=True,
        updated_at__lt=_due_before(days, today),
        draft_reminded_at__lt=_due_before(DRAFT_DELETION_NOTICE_DAYS, today),
    )


def _delete_draft(pk: int, *, days: int, today: date) -> bool:
    from anef.notifications.models import Notification

    with transaction.atomic():
        application = _due_drafts(days=days, today=today).select_for_update(of=("self",)).filter(pk=pk).first()
        if application is None:
            return False  # changed, submitted or deleted since the batch was read
        files = [name for name in application.uploaded_documents.values_list("file", flat=True) if name]
        # The notifications already sent stay in the person's list; they no longer point at the file.
        Notification.objects.filter(application=application).update(application=None, event=None)
        Notification.objects.filter(event__application=application).update(event=None)
        # Reads of a draft by the counter agent filing it refer to data that no longer exists.
        UploadedDocument.objects.filter(application=application).delete()
        CaseNote.objects.filter(application=application).delete()
        # The only deletion of history rows in the product (the rows' own delete() refuses, and so
        # does the database outside `purging`).
        with purging(StaffRead):
            StaffRead.objects.filter(application=application).delete()
        events_purge(application=application)  # keeps what the sealed days need to verify
        application.delete()  # anything else still referring to it (a booking...) raises ProtectedError
        _delete_files_after_commit(UploadedDocument, files)
    return True


def delete_stale_drafts(*, days: int, today: date) -> dict[str, int]:
    counts = {"drafts_deleted": 0, "drafts_kept": 0}
    last = 0
    while pks := list(
        _due_drafts(days=days, today=today).filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
    ):
        for pk in pks:
            last = pk
            try:
                counts["drafts_deleted"] += _delete_draft(pk, days=days, today=today)
            except ProtectedError:
                # Its transaction rolled back: nothing deleted. Someone must look at why a draft has
                # an appointment or an issued document.
                logger.warning("Retention: draft application %s is due for deletion but other rows refer to it", pk)
                counts["drafts_kept"] += 1
    return counts


# Files of closed applications ---------------------------------------------------------------


def _closed_files_due(*, days: int, today: date) -> QuerySet[Application]:
    """Applications in a final state for the period, with files not erased yet."""
    documents = UploadedDocument.objects.filter(application=OuterRef("pk"), erased_at__isnull=True)
    attachments = Attachment.objects.filter(message__application=OuterRef("pk"), erased_at__isnull=True)
    # A refusal under appeal may be reopened: its file must still be whole then.
    appeal_under_way = Application.objects.filter(appeal_of=OuterRef("pk"), state__in=OPEN_STATES)
    return (
        Application.objects.filter(state__in=TERMINAL_STATES, state_changed_at__lt=_due_before(days, today))
        .filter(Exists(documents) | Exists(attachments))
        .exclude(Exists(appeal_under_way))
    )


def _erase_files(pk: int, *, days: int, today: date) -> tuple[int, int]:
    from anef.applications.kernel import record_event

    with transaction.atomic():
        application = _closed_files_due(days=days, today=today).select_for_update(of=("self",)).filter(pk=pk).first()
        if application is None:
            return 0, 0
        documents = UploadedDocument.objects.filter(application=application, erased_at__isnull=True)
        attachments = Attachment.objects.filter(message__application=application, erased_at__isnull=True)
        document_files = [name for name in documents.values_list("file", flat=True) if name]
        attachment_files = [name for name in attachments.values_list("file", flat=True) if name]
        now = timezone.now()
        erased_documents = documents.update(file="", erased_at=now)
        erased_attachments = attachments.update(file="", erased_at=now)
        record_event(
            application=application,
            kind=EventKind.RETENTION_ERASE,
            actor=None,
            payload={"documents": erased_documents, "attachments": erased_attachments, "retention_days": days},
        )
        _delete_files_after_commit(UploadedDocument, document_files)
        _delete_files_after_commit(Attachment, attachment_files)
    return erased_documents, erased_attachments


def erase_closed_files(*, days: int, today: date) -> dict[str, int]:
    counts = {"applications_erased": 0, "documents_erased": 0, "attachments_erased": 0}
    last = 0
    while pks := list(
        _closed_files_due(days=days, today=today)
        .filter(pk__gt=last)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    ):
        for pk in pks:
            last = pk
            documents, attachments = _erase_files(pk, days=days, today=today)
            counts["applications_erased"] += bool(documents or attachments)
            counts["documents_erased"] += documents
            counts["attachments_erased"] += attachments
    return counts


def _delete_files_after_commit(model, names: list[str]) -> None:
    if not names:
        return
    storage = model._meta.get_field("file").storage

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except Exception:
                # The row already says erased: the file is an orphan to remove by hand, never a
                # row without its file.
                logger.exception("Retention: could not delete %s from the storage", name)

    transaction.on_commit(delete)


# Logs ---------------------------------------------------------------------------------------


def _delete_in_batches(queryset: QuerySet) -> int:
    deleted = 0
    while pks := list(queryset.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        deleted += queryset.model.objects.filter(pk__in=pks).delete()[0]
    return deleted


def apply_retention() -> dict[str, int]:
    """The daily sweep: delete stale drafts, erase the files of long-closed applications, delete
    old share-code checks, staff reads and security events. Returns what it did, by kind."""
    days = retention_days()
    today = timezone.localdate()
    counts = {
        **delete_stale_drafts(days=days["drafts"], today=today),
        **erase_closed_files(days=days["closed_files"], today=today),
        "share_checks_deleted": _delete_in_batches(
            ShareCheck.objects.filter(checked_at__lt=_due_before(days["share_checks"], today))
        ),
        # Security events refuse delete() one by one (append-only); the sweep deletes in bulk.
        "security_events_deleted": _delete_in_batches(
            SecurityEvent.objects.filter(created_at__lt=_due_before(days["security_events"], today))
        ),
    }
    with purging(StaffRead):
        counts["staff_reads_deleted"] = _delete_in_batches(
            StaffRead.objects.filter(created_at__lt=_due_before(days["staff_reads"], today))
        )
    logger.info("Retention: %s", counts)
    return counts
