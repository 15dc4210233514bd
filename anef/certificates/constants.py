from django.db import models
from django.utils.translation import gettext_lazy as _

from anef.procedures.constants import IssuedDocumentType

DocumentType = IssuedDocumentType


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUPERSEDED = "superseded", _("Superseded by a newer document")
    REVOKED = "revoked", _("Revoked")


class VerificationStatus(models.TextChoices):
    """What the verification of an issued document answers (certificates.selectors.Verdict.status). It shares
    words with DocumentStatus (valid, superseded, revoked) but is not the document's own status: a valid
    document may be expired or not valid yet on the day it is checked."""

    VALID = "valid", _("Valid document")
    EXPIRED = "expired", _("Expired document")
    NOT_YET_VALID = "not_yet_valid", _("Document not valid yet")
    SUPERSEDED = "superseded", _("Superseded document: a newer one was issued")
    REVOKED = "revoked", _("Revoked document: it no longer proves anything")
    # Not signed by ANEF, or altered.
    INVALID = "invalid", _("Invalid: this code was not signed by ANEF or was altered")
    # Signed, but not in this register; or a wrong number or date of birth (the same answer: no oracle).
    UNKNOWN = "unknown", _("No document matches these details")


NUMBER_PREFIX = {
    DocumentType.ATTESTATION_DEPOT: "AD",
    DocumentType.API: "API",
    DocumentType.ATTESTATION_DECISION_FAVORABLE: "ADF",
    DocumentType.RECEPISSE: "REC",
    DocumentType.DECISION_LETTER: "DEC",
}

# What each document proves, and on which legal basis (printed on the document, shown on verification).
LEGAL_BASIS = {
    DocumentType.ATTESTATION_DEPOT: _(
        "CESEDA, article R. 431-15-1: the online filing of the application is attested; this attestation "
        "does not by itself authorise residence."
    ),
    DocumentType.API: _(
        "CESEDA, article R. 431-15-2: certificate extending the examination of a renewal application filed "
        "in time; it confers the same rights as the expiring permit, including the right to work where that "
        "permit allowed it."
    ),
    DocumentType.ATTESTATION_DECISION_FAVORABLE: _(
        "CESEDA, article R. 431-15-3: certificate of favourable decision, valid until the residence card is "
        "handed over; it confers the rights of the permit granted."
    ),
    DocumentType.RECEPISSE: _(
        "CESEDA, articles R. 431-12 and following: receipt of an application filed at the counter."
    ),
    DocumentType.DECISION_LETTER: _(
        "Code des relations entre le public et l'administration, articles L. 211-2 and L. 211-5: decisions are "
        "reasoned; CESEDA, articles L. 614-1 and following and R. 421-1 and following for appeals."
    ),
}
