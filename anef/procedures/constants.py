from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    FIRST_PERMIT = "first_permit", _("First residence permit")
    RENEWAL = "renewal", _("Renewal")
    DUPLICATE = "duplicate", _("Duplicate")
    CHANGE_OF_ADDRESS = "change_of_address", _("Change of address")
    CHANGE_OF_SITUATION = "change_of_situation", _("Change of situation")
    NATURALISATION = "naturalisation", _("Naturalisation")
    VISA_VALIDATION = "visa_validation", _("Long-stay visa validation")
    APPEAL = "appeal", _("Appeal")


class IssuedDocumentType(models.TextChoices):
    ATTESTATION_DEPOT = "attestation_depot", _("Filing certificate (attestation de dépôt)")
    API = "api", _("Certificate extending the examination (attestation de prolongation d'instruction)")
    ATTESTATION_DECISION_FAVORABLE = "attestation_decision_favorable", _("Certificate of favourable decision")
    RECEPISSE = "recepisse", _("Receipt (récépissé)")
    DECISION_LETTER = "decision_letter", _("Decision letter")


class RecepisseType(models.TextChoices):
    FIRST_REQUEST = "first_request", _("Receipt of a first application")
    RENEWAL = "renewal", _("Receipt of a renewal application")
    DUPLICATE = "duplicate", _("Receipt of a duplicate application")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes or no")
    NUMBER = "number", _("Number")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
