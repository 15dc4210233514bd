"""Issue, supersede and revoke the documents that create rights. Called inside the transaction of
the change that causes them (the caller holds the application's row lock); every issuance and
revocation is an event of the application's history."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from anef.applications.models import Application
from anef.applications.services import record_event
from anef.applications.workflow import EventKind
from anef.core.tasks import enqueue

from .constants import DocumentStatus, DocumentType
from .models import IssuedDocument, new_number
from .signing import current_key, sign

RECEPISSE_DAYS = 180  # a récépissé is valid up to six months, renewable

REVOKED_BY = {
    # the event that ends the documents of these types
    EventKind.ACCEPT: [DocumentType.API],
    EventKind.REFUSE: [DocumentType.API],
    EventKind.CLOSE_NO_ACTION: [DocumentType.API],
    EventKind.WITHDRAW: [DocumentType.API, DocumentType.ATTESTATION_DEPOT],
    EventKind.DELIVER_CARD: [DocumentType.ATTESTATION_DECISION_FAVORABLE],
    EventKind.REOPEN_ON_APPEAL: [DocumentType.DECISION_LETTER],  # the refusal is withdrawn
}


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
    number = new_number()
    claims = {
        "n": number,
        "t": type,
        "h": person.full_name,
        "b": person.date_of_birth.isoformat(),
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
        holder_birth_date=person.date_of_birth,
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


def apply_document_rules(*, application: Application, event: str, actor, payload: dict) -> None:
    """What a transition means for the documents (SPEC §5): called by the workflow service."""
    yields = set(application.procedure.yields)
    today = timezone.localdate()
    recepisse_type = application.procedure.definition.get("recepisse_type")
    if (
        event == EventKind.SUBMIT
        and payload.get("first_filing")
        and application.channel == "counter"
        and recepisse_type
        and DocumentType.RECEPISSE in yields
    ):
        # The type of récépissé comes from the procedure's data, never from free text (SPEC §5).
        document_issue(
            application=application,
            type=DocumentType.RECEPISSE,
            valid_from=timezone.localdate(application.filed_at),
            valid_until=timezone.localdate(application.filed_at) + timedelta(days=RECEPISSE_DAYS),
            rights={"residence": True, "work": bool(application.permit_allows_work_at_filing)},
            actor=actor,
            details={"recepisse_type": recepisse_type, "reference": application.reference},
        )
    if event == EventKind.SUBMIT and payload.get("first_filing") and DocumentType.ATTESTATION_DEPOT in yields:
        document_issue(
            application=application,
            type=DocumentType.ATTESTATION_DEPOT,
            valid_from=timezone.localdate(application.filed_at),
            valid_until=None,
            rights={"residence": False, "work": False},
            actor=actor,
            details={
                "filed_at": application.filed_at.isoformat(),
                "filed_in_time": application.filed_in_time,
                "procedure": application.procedure.code,
                "reference": application.reference,
            },
        )
    if event in REVOKED_BY:
        documents_revoke(application=application, types=REVOKED_BY[event], actor=actor, reason=str(event))
    if event == EventKind.ACCEPT and DocumentType.ATTESTATION_DECISION_FAVORABLE in yields:
        document_issue(
            application=application,
            type=DocumentType.ATTESTATION_DECISION_FAVORABLE,
            valid_from=today,
            valid_until=None,  # until the card is handed over
            rights={"residence": True, "work": application.procedure.grants_work},
            actor=actor,
            details={"reference": application.reference, "procedure": application.procedure.code},
        )
    if event in (EventKind.ACCEPT, EventKind.REFUSE, EventKind.CLOSE_NO_ACTION) and (
        DocumentType.DECISION_LETTER in yields
    ):
        document_issue(
            application=application,
            type=DocumentType.DECISION_LETTER,
            valid_from=today,
            valid_until=None,
            rights={},
            actor=actor,
            details={
                "decision": str(event),
                "grounds": payload.get("reason", ""),
                "ground_code": payload.get("ground") or payload.get("code") or "",
                "appeal_deadline": payload.get("appeal_deadline"),
                "reference": application.reference,
                "procedure": application.procedure.code,
            },
        )


@transaction.atomic
def document_render_pdf(*, document_id: int) -> IssuedDocument:
    from django.core.files.base import ContentFile

    from .pdf import render_pdf

    document = (
        IssuedDocument.objects.select_for_update(of=("self",))
        .select_related("application__prefecture")
        .get(pk=document_id)
    )
    if not document.pdf:
        document.pdf.save(f"{document.number}.pdf", ContentFile(render_pdf(document)), save=False)
        IssuedDocument.objects.filter(pk=document.pk).update(pdf=document.pdf.name)
    return document
