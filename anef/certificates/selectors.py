from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from anef.accounts.permits import permit_label, work_conditions
from anef.core.links import absolute
from anef.core.signing import InvalidPayload, payload_in, verify

from .constants import DocumentStatus, DocumentType, VerificationStatus
from .models import NUMBER_KEY, IssuedDocument


@dataclass
class Verdict:
    status: VerificationStatus
    document: IssuedDocument | None = None
    reason: str = ""


def document_standing(document: IssuedDocument, today: date | None = None) -> VerificationStatus:
    """What the document is worth on `today`, as the verification page says it: a valid document
    may be expired or not valid yet ("My documents" shows this, not the bare status)."""
    return _judge(document, today or timezone.localdate()).status


def _judge(document: IssuedDocument, today: date) -> Verdict:
    if document.status == DocumentStatus.REVOKED:
        return Verdict(VerificationStatus.REVOKED, document)
    if document.status == DocumentStatus.SUPERSEDED:
        return Verdict(VerificationStatus.SUPERSEDED, document)
    if document.valid_from > today:
        return Verdict(VerificationStatus.NOT_YET_VALID, document)
    if document.valid_until and document.valid_until < today:
        return Verdict(VerificationStatus.EXPIRED, document)
    return Verdict(VerificationStatus.VALID, document)


def verification_link(payload: str) -> str:
    """What the QR code holds: a link any phone opens on the verification page, which checks the
    payload it carries (base64url and dots need no escaping in a query string)."""
    return f"{absolute(reverse('public:verify'))}?code={payload}"


def verify_payload(payload: str, today: date | None = None) -> Verdict:
    """The verdict on a QR code's content: the payload itself, or the link that holds it."""
    today = today or timezone.localdate()
    payload = payload_in(payload)
    try:
        claims = verify(payload)
    except InvalidPayload as exc:
        return Verdict(VerificationStatus.INVALID, reason=str(exc))
    document = IssuedDocument.objects.filter(number=claims.get("n")).select_related("application__procedure").first()
    if document is None or document.payload != payload.strip():
        # Signed by us but unknown here: judge on the signed claims alone.
        return Verdict(VerificationStatus.UNKNOWN, reason="not in this register")
    return _judge(document, today)


def number_key(number: str) -> str:
    """A document number as compared: letters and digits only, upper case. "abcde fghjk", "ABCDEFGHJK"
    and "ABCDE-FGHJK" are the same number."""
    return "".join(character for character in number if character.isalnum()).upper()


def verify_number(number: str, birth_date: date, today: date | None = None) -> Verdict:
    """The same answer ("unknown") for a wrong number and a wrong date of birth: no oracle."""
    today = today or timezone.localdate()
    document = (
        IssuedDocument.objects.alias(key=NUMBER_KEY)
        .filter(key=number_key(number), holder_birth_date=birth_date)
        .select_related("application__procedure")
        .first()
    )
    if document is None:
        return Verdict(VerificationStatus.UNKNOWN)
    return _judge(document, today)


def documents_for_person(person):
    return IssuedDocument.objects.filter(person=person).select_related("application__procedure", "superseded_by")


# The documents that stand for a permit: what the verification page says of its kind and limits.
PERMIT_DOCUMENTS = frozenset({DocumentType.API, DocumentType.ATTESTATION_DECISION_FAVORABLE, DocumentType.RECEPISSE})


def document_permit(document: IssuedDocument) -> dict | None:
    """The kind of permit a document stands for (the catalogue's, else the permit being renewed) and
    its conditions (a student's yearly work hours), for the verification page."""
    if document.type not in PERMIT_DOCUMENTS:
        return None
    permit_type = document.application.procedure.permit_type or (document.details or {}).get("extends_permit", "")
    label = permit_label(permit_type)
    if not label:
        return None
    return {
        "kind": label,
        "conditions": work_conditions(permit_type, allows_work=bool((document.rights or {}).get("work"))),
    }
