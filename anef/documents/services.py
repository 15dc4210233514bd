from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.models import User
from anef.applications.access import actor_kind
from anef.applications.constants import DocumentVerdict
from anef.applications.errors import ApplicationError, TransitionNotAllowed
from anef.applications.kernel import lock_application, record_event
from anef.applications.selectors import applicable_documents
from anef.applications.workflow import PENDING_DECISION_STATES, Actor, EventKind, State

from .models import UploadedDocument
from .validation import prepare_upload

UPLOAD_STATES = frozenset({State.DRAFT, *PENDING_DECISION_STATES})


def document_upload(
    *, application_id: int, requirement_code: str, uploaded: UploadedFile, actor: User, reason: str = ""
) -> UploadedDocument:
    """Attach a file for one of the procedure's documents, replacing the current one if any.

    In a draft the applicant changes documents freely; once filed, a change needs a short reason
    and shows in the history. The replaced file is kept, marked superseded.
    What is stored is the file made harmless (scanned clean, PDF rebuilt, image re-encoded).
    Raises django ValidationError for a bad file (nothing is stored) or ApplicationError.
    """
    prepared = prepare_upload(uploaded)
    with transaction.atomic():
        application = lock_application(application_id)
        if application.state not in UPLOAD_STATES:
            raise TransitionNotAllowed()
        if actor_kind(user=actor, application=application) not in (Actor.APPLICANT, Actor.COUNTER):
            raise TransitionNotAllowed()
        codes = {document["code"] for document in applicable_documents(application)}
        if requirement_code not in codes:
            raise ApplicationError(_("This document is not asked for by this procedure."))
        reason = reason.strip()
        if application.state != State.DRAFT and not reason:
            raise ApplicationError(_("Say in a few words why you add or replace this document."))
        now = timezone.now()
        replaced = UploadedDocument.objects.filter(
            application=application, requirement_code=requirement_code, superseded_at__isnull=True
        ).update(superseded_at=now)
        document = UploadedDocument(
            application=application,
            requirement_code=requirement_code,
            pages=prepared.pages,
            **prepared.row_fields(scanned_at=now),
            uploaded_by=actor,
            uploaded_at=now,
            reason=reason,
        )
        # The storage write happens inside the transaction: if it fails nothing is recorded; if the
        # transaction fails after it, an orphan file remains, never a record without its file.
        document.file.save("upload", prepared.as_file(), save=False)
        document.save()
        record_event(
            application=application,
            kind=EventKind.DOCUMENT_REPLACE if replaced else EventKind.DOCUMENT_ADD,
            actor=actor,
            reason=reason,
            payload={"requirement": requirement_code, "document": str(document.pk), "name": document.original_name},
        )
    return document


def document_verdict_set(*, document_id, actor: User, verdict: str, reason: str = "") -> UploadedDocument:
    """An agent accepts or rejects one document; a rejection says why (the applicant reads it)."""
    if verdict not in (DocumentVerdict.ACCEPTED, DocumentVerdict.REJECTED):
        raise ApplicationError(_("Choose accepted or rejected."))
    if verdict == DocumentVerdict.REJECTED and not reason.strip():
        raise ApplicationError(_("Say why the document is rejected: the applicant will read it."))
    with transaction.atomic():
        document = UploadedDocument.objects.select_related("application").get(pk=document_id)
        application = lock_application(document.application_id)
        if actor_kind(user=actor, application=application) != Actor.AGENT:
            raise TransitionNotAllowed()
        if application.state not in (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_APPLICANT):
            raise TransitionNotAllowed()
        if document.superseded_at is not None:
            raise ApplicationError(_("This document was replaced by a newer one."))
        UploadedDocument.objects.filter(pk=document.pk).update(
            verdict=verdict, verdict_reason=reason.strip(), verdict_by=actor, verdict_at=timezone.now()
        )
        record_event(
            application=application,
            kind=EventKind.DOCUMENT_VERDICT,
            actor=actor,
            reason=reason.strip(),
            payload={
                "document": str(document.pk),
                "name": document.original_name,
                "requirement": document.requirement_code,
                "verdict": verdict,
            },
        )
        document.refresh_from_db()
    return document
