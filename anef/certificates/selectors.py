from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from anef.core.signing import InvalidPayload, verify

from .constants import DocumentStatus
from .models import IssuedDocument


@dataclass
class Verdict:
    status: str  # valid, expired, not_yet_valid, superseded, revoked, invalid, unknown
    document: IssuedDocument | None = None
    reason: str = ""


def _judge(document: IssuedDocument, today: date) -> Verdict:
    if document.status == DocumentStatus.REVOKED:
        return Verdict("revoked", document)
    if document.status == DocumentStatus.SUPERSEDED:
        return Verdict("superseded", document)
    if document.valid_from > today:
        return Verdict("not_yet_valid", document)
    if document.valid_until and document.valid_until < today:
        return Verdict("expired", document)
    return Verdict("valid", document)


def verify_payload(payload: str, today: date | None = None) -> Verdict:
    today = today or timezone.localdate()
    try:
        claims = verify(payload)
    except InvalidPayload as exc:
        return Verdict("invalid", reason=str(exc))
    document = IssuedDocument.objects.filter(number=claims.get("n")).select_related("application").first()
    if document is None or document.payload != payload.strip():
        # Signed by us but unknown here: judge on the signed claims alone.
        return Verdict("unknown", reason="not in this register")
    return _judge(document, today)


def verify_number(number: str, birth_date: date, today: date | None = None) -> Verdict:
    """The same answer ("unknown") for a wrong number and a wrong date of birth: no oracle."""
    today = today or timezone.localdate()
    document = (
        IssuedDocument.objects.filter(number__iexact=number.strip(), holder_birth_date=birth_date)
        .select_related("application")
        .first()
    )
    if document is None:
        return Verdict("unknown")
    return _judge(document, today)


def documents_for_person(person):
    return IssuedDocument.objects.filter(person=person).select_related("application__procedure")
