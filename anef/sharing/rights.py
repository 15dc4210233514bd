"""What a person's right is today, for a purpose, read from what the administration issued or
decided: the permit on record (confirmed by an agent), a valid API, an attestation of favourable
decision, a renewal filed in time and not yet decided. Never from what the person typed in their
profile: a declared permit is a claim until an agent confirms it (decision 0013). Verifiers see
only this (SPEC §6)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anef.accounts.permits import permit_label, work_conditions
from anef.applications.selectors import renewals_covered_by_the_law
from anef.applications.workflow import State
from anef.certificates.constants import DocumentStatus, DocumentType
from anef.certificates.models import IssuedDocument

from .constants import RightBasis, RightVerdict
from .models import Purpose

# When a renewal in time has no API covering today (its automatic issuance failed: the sweep retries
# every day and the supervisors are alerted and can issue it at once), the verifier is asked to check
# again within a week.
CHECK_AGAIN_DAYS = 7
# A favourable decision whose attestation is not out yet (its issuance failed): likewise.
DECIDED_STATES = frozenset({State.ACCEPTED, State.CARD_ORDERED, State.CARD_READY})


@dataclass(frozen=True)
class RightStatus:
    verdict: str
    until: date | None = None
    basis: str = RightBasis.NONE
    renewal_pending: bool = False
    check_again_on: date | None = None
    # What the right stands on, for the verifier: the kind of permit (`PermitType`), and the
    # document that proves it (its type, none for the residence card itself, and its number).
    permit_type: str = ""
    document_type: str = ""
    number: str = ""

    @property
    def holds(self) -> bool:
        return self.verdict in (RightVerdict.HOLDS, RightVerdict.RENEWAL_PENDING)

    def as_result(self, *, name: str, purpose: str) -> dict:
        """What a check stores and shows (`ShareCheck.result`, the holder's preview)."""
        return {
            "name": name,
            "purpose": purpose,
            "verdict": self.verdict,
            "holds": self.holds,
            "until": self.until.isoformat() if self.until else None,
            "basis": self.basis,
            "renewal_pending": self.renewal_pending,
            "check_again_on": self.check_again_on.isoformat() if self.check_again_on else None,
            "permit_type": self.permit_type,
            "document_type": self.document_type,
            "number": self.number,
        }


def _covers(rights: dict, needs_work: bool) -> bool:
    return bool(rights.get("residence")) and (bool(rights.get("work")) or not needs_work)


def right_for(person, purpose: str, today: date | None = None) -> RightStatus:
    today = today or timezone.localdate()
    needs_work = purpose == Purpose.WORK
    stay_only: RightStatus | None = None  # a residence right without work, when work is asked

    card = {"permit_type": person.permit_type, "number": person.permit_number} if person.permit_on_record else {}
    if person.permit_on_record and person.permit_expires_on >= today:
        if person.permit_allows_work or not needs_work:
            return RightStatus(
                RightVerdict.HOLDS,
                person.permit_expires_on,
                RightBasis.PERMIT,
                check_again_on=person.permit_expires_on,
                **card,
            )
        stay_only = RightStatus(RightVerdict.STAY_WITHOUT_WORK, person.permit_expires_on, RightBasis.PERMIT, **card)

    renewals = list(renewals_covered_by_the_law(person.applications.all()).select_related("procedure"))
    documents = (
        IssuedDocument.objects.filter(
            person=person,
            status=DocumentStatus.VALID,
            type__in=[DocumentType.API, DocumentType.ATTESTATION_DECISION_FAVORABLE],
            valid_from__lte=today,
        )
        .select_related("application__procedure")
        .order_by("-valid_until")
    )
    for document in documents:
        if document.valid_until is not None and document.valid_until < today:
            continue
        is_api = document.type == DocumentType.API
        basis = RightBasis.API if is_api else RightBasis.DECISION
        until = document.valid_until if is_api else None  # the attestation of decision: until the card
        check_again_on = document.valid_until if is_api else today + timedelta(days=30)
        proof = {
            "permit_type": document.application.procedure.permit_type
            or (document.details or {}).get("extends_permit", ""),
            "document_type": document.type,
            "number": document.number,
        }
        if _covers(document.rights, needs_work):
            return RightStatus(RightVerdict.HOLDS, until, basis, is_api, check_again_on, **proof)
        if document.rights.get("residence") and stay_only is None:
            stay_only = RightStatus(RightVerdict.STAY_WITHOUT_WORK, until, basis, is_api, check_again_on, **proof)

    for renewal in renewals:
        # No API covers today (not issued yet, or its issuance failed): the renewal in time itself
        # keeps the expiring permit's rights, which the catalogue's procedure says (not the profile).
        rights = {"residence": True, "work": renewal.procedure.grants_work}
        next_api = (
            renewal.issued_documents.filter(type=DocumentType.API, status=DocumentStatus.VALID, valid_from__gt=today)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
        check_again_on = next_api or today + timedelta(days=CHECK_AGAIN_DAYS)
        # The permit being renewed: its kind from the catalogue, its number only once on record.
        renewed = {**card, "permit_type": renewal.procedure.permit_type or card.get("permit_type", "")}
        if _covers(rights, needs_work):
            return RightStatus(RightVerdict.RENEWAL_PENDING, None, RightBasis.RENEWAL, True, check_again_on, **renewed)
        if stay_only is None:
            stay_only = RightStatus(
                RightVerdict.STAY_WITHOUT_WORK, None, RightBasis.RENEWAL, True, check_again_on, **renewed
            )

    if stay_only is not None:
        return stay_only
    attestation = IssuedDocument.objects.filter(
        application=OuterRef("pk"), type=DocumentType.ATTESTATION_DECISION_FAVORABLE, status=DocumentStatus.VALID
    )
    decided = (
        person.applications.filter(state__in=DECIDED_STATES).filter(~Exists(attestation)).select_related("procedure")
    )
    for application in decided:
        if DocumentType.ATTESTATION_DECISION_FAVORABLE in application.procedure.yields and (
            application.procedure.grants_work or not needs_work
        ):
            return RightStatus(
                RightVerdict.NOT_ISSUED_YET,
                None,
                RightBasis.NONE,
                check_again_on=today + timedelta(days=CHECK_AGAIN_DAYS),
            )
    return RightStatus(RightVerdict.NO_RIGHT)


def right_texts(result: dict) -> dict[str, str]:
    """The verifier's answer in words, in the active language: a title and what it means, from a
    check's stored result (`share_code_check`). Each verdict reads differently."""
    verdict = result.get("verdict") or RightVerdict.NO_RIGHT
    until = _day(result.get("until"))
    again = _day(result.get("check_again_on"))
    lines: list[str] = []
    if verdict == RightVerdict.HOLDS:
        lines.append(
            _("Valid until %(date)s.") % {"date": until} if until else _("Valid until the new card is handed over.")
        )
        if result.get("renewal_pending"):
            lines.append(
                _("A renewal filed in time is being examined: the right continues meanwhile. Check again on %(date)s.")
                % {"date": again}
            )
    elif verdict == RightVerdict.RENEWAL_PENDING:
        lines.append(
            _(
                "The person filed the renewal of their permit in time and it is not decided yet: the law keeps "
                "the rights of their permit until the decision. Check again on %(date)s."
            )
            % {"date": again}
        )
    elif verdict == RightVerdict.STAY_WITHOUT_WORK:
        lines.append(_("Their right to stay in France does not include the right to work."))
        if until:
            lines.append(_("Right to stay valid until %(date)s.") % {"date": until})
        if result.get("renewal_pending"):
            lines.append(_("A renewal filed in time is being examined. Check again on %(date)s.") % {"date": again})
    elif verdict == RightVerdict.NOT_ISSUED_YET:
        lines.append(
            _(
                "The prefecture took a favourable decision; the attestation that proves it is not issued yet. "
                "Check again on %(date)s."
            )
            % {"date": again}
        )
    else:
        lines.append(
            _(
                "This answer comes only from the documents the administration issued and the permits it has on "
                "record. If the person shows you a residence permit, check the card itself."
            )
        )
    tone = {RightVerdict.HOLDS: "success", RightVerdict.RENEWAL_PENDING: "success", RightVerdict.NO_RIGHT: "error"}
    permit_type = result.get("permit_type") or ""
    return {
        "verdict": verdict,
        "title": str(RightVerdict(verdict).label),
        "lines": lines,
        "tone": tone.get(verdict, "warning"),  # the alert's colour (DSFR fr-alert--<tone>)
        # What the right stands on: the kind of permit, the document and its number, the conditions.
        "permit": permit_label(permit_type),
        "document": _proof(result),
        "conditions": work_conditions(
            permit_type,
            allows_work=verdict in (RightVerdict.HOLDS, RightVerdict.RENEWAL_PENDING)
            and result.get("purpose") == Purpose.WORK,
        ),
    }


def _proof(result: dict) -> str:
    """The document that proves the right, as the verifier can ask to see it: "API n° …"."""
    number = result.get("number") or ""
    if not number:
        return ""
    document_type = result.get("document_type") or ""
    label = str(DocumentType(document_type).label) if document_type else _("Residence permit")
    return _("%(document)s n° %(number)s") % {"document": label, "number": number}


def _day(value: str | None) -> str:
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else ""
