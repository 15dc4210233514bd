"""Issue, supersede and revoke the documents that create rights. Called inside the transaction of
the change that causes them (the caller holds the application's row lock); every issuance and
revocation is an event of the application's history."""

from datetime import date
from typing import cast

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from anef.applications.kernel import record_event
from anef.applications.models import Application
from anef.applications.workflow import EventKind
from anef.core.signing import current_key, sign
from anef.core.tasks import enqueue

from .constants import DocumentStatus, DocumentType
from .models import IssuedDocument, new_number
from .pdf import render_pdf

RECEPISSE_DAYS = 180  # a récépissé is valid up to six months, renewable


def document_issue(
    *,
    application: Application,
    type: str,
    valid_from: date,
    valid_until: date | None,
    rights: dict,
    actor,
    details: dict | None = None,
) -> IssuedDocument:
    person = application.person
    born_on = cast(date, person.date_of_birth)  # a filed file's profile is complete (missing_items)
    number = new_number()
    claims = {
        "n": number,
        "t": type,
        "h": person.full_name,
        "b": born_on.isoformat(),
        "f": valid_from.isoformat(),
        "u": valid_until.isoformat() if valid_until else None,
        "r": rights,
    }
    key = current_key()
    document = IssuedDocument.objects.create(
        number=number,
        application=application,
        person=person,
        type=type,
        holder_name=person.full_name,
        holder_birth_date=born_on,
        valid_from=valid_from,
        valid_until=valid_until,
        rights=rights,
        details=details or {},
        payload=sign(claims),
        kid=key.kid,
    )
    if type != DocumentType.API:
        # A new API follows the previous one (continuity); other types replace their predecessor.
        replaced = list(
            IssuedDocument.objects.filter(application=application, type=type, status=DocumentStatus.VALID).exclude(
                pk=document.pk
            )
        )
        IssuedDocument.objects.filter(pk__in=[d.pk for d in replaced]).update(
            status=DocumentStatus.SUPERSEDED,
            superseded_by=document,
            status_changed_at=timezone.now(),
            status_reason="superseded",
        )
        for old in replaced:
            record_event(
                application=application,
                kind=EventKind.DOCUMENT_REVOKE,
                actor=actor,
                reason="superseded",
                payload={"document": old.number, "type": old.type, "superseded_by": number},
            )
    record_event(
        application=application,
        kind=EventKind.DOCUMENT_ISSUE,
        actor=actor,
        payload={
            "document": number,
            "type": type,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    enqueue("anef.certificates.tasks.render_pdf", document.pk)
    return document


def documents_revoke(*, application: Application, types: list[str], actor, reason: str) -> int:
    documents = list(
        IssuedDocument.objects.filter(application=application, type__in=types, status=DocumentStatus.VALID)
    )
    if not documents:
        return 0
    IssuedDocument.objects.filter(pk__in=[d.pk for d in documents]).update(
        status=DocumentStatus.REVOKED, status_changed_at=timezone.now(), status_reason=reason
    )
    for document in documents:
        record_event(
            application=application,
            kind=EventKind.DOCUMENT_REVOKE,
            actor=actor,
            reason=reason,
            payload={"document": document.number, "type": document.type},
        )
    return len(documents)


@transaction.atomic
def document_render_pdf(*, document_id: int) -> IssuedDocument:

    document = (
        IssuedDocument.objects.select_for_update(of=("self",))
        .select_related("application__prefecture")
        .get(pk=document_id)
    )
    if not document.pdf:
        document.pdf.save(f"{document.number}.pdf", ContentFile(render_pdf(document)), save=False)
        IssuedDocument.objects.filter(pk=document.pk).update(pdf=document.pdf.name)
    return document
