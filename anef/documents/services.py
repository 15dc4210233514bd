from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.models import User
from anef.applications.errors import ApplicationError, TransitionNotAllowed
from anef.applications.models import Application
from anef.applications.selectors import applicable_documents
from anef.applications.services import actor_kind, record_event
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
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("procedure", "person")
            .get(pk=application_id)
        )
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
