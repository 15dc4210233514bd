"""What a person's right is today, for a purpose: from their permit, a valid API, or an attestation
of favourable decision. Verifiers see only this (SPEC §6)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from anef.certificates.constants import DocumentStatus, DocumentType
from anef.certificates.models import IssuedDocument

from .models import Purpose


@dataclass(frozen=True)
class RightStatus:
    holds: bool
    until: date | None
    basis: str  # permit, api, attestation_decision_favorable, none
    renewal_pending: bool = False
    check_again_on: date | None = None


def right_for(person, purpose: str, today: date | None = None) -> RightStatus:
    today = today or timezone.localdate()
    needs_work = purpose == Purpose.WORK
    if person.permit_expires_on and person.permit_expires_on >= today and (person.permit_allows_work or not needs_work):
        return RightStatus(True, person.permit_expires_on, "permit", check_again_on=person.permit_expires_on)
    documents = IssuedDocument.objects.filter(
        person=person,
        status=DocumentStatus.VALID,
        type__in=[DocumentType.API, DocumentType.ATTESTATION_DECISION_FAVORABLE],
        valid_from__lte=today,
    ).order_by("-valid_until")
    for document in documents:
        if document.valid_until is not None and document.valid_until < today:
            continue
        if not document.rights.get("residence") or (needs_work and not document.rights.get("work")):
            continue
        if document.type == DocumentType.API:
            return RightStatus(True, document.valid_until, "api", True, document.valid_until)
        return RightStatus(True, None, "attestation_decision_favorable", False, today + timedelta(days=30))
    return RightStatus(False, None, "none")
