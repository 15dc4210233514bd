"""What the workflow's moves do to the documents that create rights (SPEC §5), one function per
effect, named in `anef.applications.workflow.TRANSITIONS`. Each runs in the transaction of the
move, after its history row; issuing and revoking are events of the history themselves."""

from datetime import datetime, timedelta
from typing import cast

from django.utils import timezone

from anef.applications.kernel import Happened
from anef.procedures.constants import RecepisseType

from .constants import DocumentType
from .services import RECEPISSE_DAYS, document_issue, documents_revoke


def _yields(happened: Happened, type_: str) -> bool:
    return type_ in set(happened.application.procedure.yields)


def _recepisse_allows_work(application, recepisse_type: str) -> bool:
    """From the records, never from the profile: a first request or a renewal, what the catalogue
    says of the permit sought or renewed; a duplicate, what the permit on record allows."""
    if recepisse_type == RecepisseType.DUPLICATE:
        return application.person.permit_on_record and application.person.permit_allows_work
    return bool(application.procedure.grants_work)


def issue_recepisse(happened: Happened) -> None:
    """A first filing gives a récépissé where the procedure yields one, of the type the procedure's
    data says, never from free text (SPEC §5); online and at the counter alike: the same procedure
    yields the same documents whatever the channel."""
    application = happened.application
    recepisse_type = application.procedure.definition.get("recepisse_type")
    if not (happened.payload.get("first_filing") and recepisse_type and _yields(happened, DocumentType.RECEPISSE)):
        return
    filed_on = timezone.localdate(application.filed_at)
    document_issue(
        application=application,
        type=DocumentType.RECEPISSE,
        valid_from=filed_on,
        valid_until=filed_on + timedelta(days=RECEPISSE_DAYS),
        rights={"residence": True, "work": _recepisse_allows_work(application, recepisse_type)},
        actor=happened.actor,
        details={"recepisse_type": recepisse_type, "reference": application.reference},
    )


def issue_filing_attestation(happened: Happened) -> None:
    application = happened.application
    if not (happened.payload.get("first_filing") and _yields(happened, DocumentType.ATTESTATION_DEPOT)):
        return
    document_issue(
        application=application,
        type=DocumentType.ATTESTATION_DEPOT,
        valid_from=timezone.localdate(application.filed_at),
        valid_until=None,
        rights={"residence": False, "work": False},
        actor=happened.actor,
        details={
            "filed_at": cast(datetime, application.filed_at).isoformat(),  # set by the first filing
            "filed_in_time": application.filed_in_time,
            "procedure": application.procedure.code,
            "reference": application.reference,
        },
    )


def issue_favourable_decision_attestation(happened: Happened) -> None:
    application = happened.application
    if not _yields(happened, DocumentType.ATTESTATION_DECISION_FAVORABLE):
        return
    document_issue(
        application=application,
        type=DocumentType.ATTESTATION_DECISION_FAVORABLE,
        valid_from=timezone.localdate(),
        valid_until=None,  # until the card is handed over
        rights={"residence": True, "work": application.procedure.grants_work},
        actor=happened.actor,
        details={"reference": application.reference, "procedure": application.procedure.code},
    )


def issue_decision_letter(happened: Happened) -> None:
    application = happened.application
    if not _yields(happened, DocumentType.DECISION_LETTER):
        return
    payload = happened.payload
    document_issue(
        application=application,
        type=DocumentType.DECISION_LETTER,
        valid_from=timezone.localdate(),
        valid_until=None,
        rights={},
        actor=happened.actor,
        details={
            "decision": str(happened.event.kind),
            "grounds": payload.get("reason", ""),
            "ground_code": payload.get("ground") or payload.get("code") or "",
            "appeal_deadline": payload.get("appeal_deadline"),
            "reference": application.reference,
            "procedure": application.procedure.code,
        },
    )


def _end(happened: Happened, type_: str) -> None:
    documents_revoke(
        application=happened.application, types=[type_], actor=happened.actor, reason=str(happened.event.kind)
    )


def end_the_api(happened: Happened) -> None:
    _end(happened, DocumentType.API)


def end_the_filing_attestation(happened: Happened) -> None:
    _end(happened, DocumentType.ATTESTATION_DEPOT)


def end_the_favourable_decision_attestation(happened: Happened) -> None:
    _end(happened, DocumentType.ATTESTATION_DECISION_FAVORABLE)


def end_the_decision_letter(happened: Happened) -> None:
    _end(happened, DocumentType.DECISION_LETTER)
