"""The daily retention sweep (SPEC §10): delete stale drafts, erase the files of long-closed
applications, delete old share-code checks, staff reads and security events, each on the day its
period (`anef.applications.retention`) ends.

It is idempotent: what it deleted is gone, what it erased is marked `erased_at`, so a second run
finds nothing to do. Each application is handled in its own transaction, under its row lock, and
files leave the storage only once that transaction has committed: a rollback never leaves a row
pointing at a deleted file.

It reaches into several apps (the case file, documents, messages, notifications, share codes,
security events), so it sits above them, at the level of the satellites; none of them imports it.
"""

import logging
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, QuerySet
from django.utils import timezone

from anef.applications import kernel
from anef.applications.models import Application, CaseNote, StaffRead
from anef.applications.retention import due_before, due_drafts, retention_days
from anef.applications.sealing import events_purge
from anef.applications.workflow import OPEN_STATES, TERMINAL_STATES, EventKind
from anef.core.append_only import purging
from anef.documents.models import UploadedDocument
from anef.messaging.models import Attachment
from anef.notifications.models import Notification
from anef.security.models import SecurityEvent
from anef.sharing.models import ShareCheck

logger = logging.getLogger(__name__)

BATCH = 200  # applications per query, rows per delete


# Drafts ---------------------------------------------------------------------------------------


def _delete_draft(pk: int, *, days: int, today: date) -> bool:
    with transaction.atomic():
        application = due_drafts(days=days, today=today).select_for_update(of=("self",)).filter(pk=pk).first()
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
        due_drafts(days=days, today=today).filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
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
        Application.objects.filter(state__in=TERMINAL_STATES, state_changed_at__lt=due_before(days, today))
        .filter(Exists(documents) | Exists(attachments))
        .exclude(Exists(appeal_under_way))
    )


def _erase_files(pk: int, *, days: int, today: date) -> tuple[int, int]:
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
        kernel.record_event(
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
            ShareCheck.objects.filter(checked_at__lt=due_before(days["share_checks"], today))
        ),
        # Security events refuse delete() one by one (append-only); the sweep deletes in bulk.
        "security_events_deleted": _delete_in_batches(
            SecurityEvent.objects.filter(created_at__lt=due_before(days["security_events"], today))
        ),
    }
    with purging(StaffRead):
        counts["staff_reads_deleted"] = _delete_in_batches(
            StaffRead.objects.filter(created_at__lt=due_before(days["staff_reads"], today))
        )
    logger.info("Retention: %s", counts)
    return counts
