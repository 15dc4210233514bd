import secrets

from django.db import models
from django.db.models.functions import Replace, Upper
from django.utils.translation import gettext_lazy as _

from .constants import DocumentStatus, DocumentType

ALPHABET = "ACDEFGHJKLMNPQRTUVWXY345679"


# A stored number compared without its hyphen, in upper case (`certificates.selectors.number_key` on
# what a person types): the expression of an index, so the lookup stays an index scan.
NUMBER_KEY = Upper(Replace(models.F("number"), models.Value("-"), models.Value("")))


def new_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{body[:5]}-{body[5:]}"


class IssuedDocument(models.Model):
    """A document the platform issued, signed: what it proves, for whom, from when until when.

    Never edited after issuance except its status (superseded, revoked), which the verification page
    and the applicant's space show."""

    number = models.CharField(_("document number"), max_length=20, unique=True)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="issued_documents"
    )
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="issued_documents")
    type = models.CharField(_("type"), max_length=40, choices=DocumentType.choices)
    holder_name = models.CharField(max_length=310)
    holder_birth_date = models.DateField()
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    rights = models.JSONField(_("rights"), default=dict)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.VALID)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)
    payload = models.TextField()
    kid = models.CharField(max_length=40)
    pdf = models.FileField(upload_to="issued/%Y/%m/", blank=True, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["application", "type", "status"]),
            # The verification page finds a number typed without its hyphen, with spaces or in lower
            # case: it compares this expression (`certificates.selectors.NUMBER_KEY`).
            models.Index(NUMBER_KEY, name="issued_document_number_key"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="validity_is_a_period",
            )
        ]

    def __str__(self) -> str:
        return self.number
