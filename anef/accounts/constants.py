from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    HELPER = "helper", _("Helper")
    COUNTER_AGENT = "counter_agent", _("Counter agent")
    CASE_AGENT = "case_agent", _("Case agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("National administrator")


STAFF_ROLES = frozenset({Role.COUNTER_AGENT, Role.CASE_AGENT, Role.SUPERVISOR, Role.ADMINISTRATOR})


class PermitType(models.TextChoices):
    STUDENT = "student", _("Student")
    EMPLOYEE = "employee", _("Employee")
    TEMPORARY_WORKER = "temporary_worker", _("Temporary worker")
    FAMILY = "family", _("Private and family life")
    TALENT = "talent", _("Talent passport")
    VISITOR = "visitor", _("Visitor")
    RESIDENT = "resident", _("Resident card (10 years)")
    VLS_TS = "vls_ts", _("Long-stay visa worth a residence permit (VLS-TS)")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class IdentitySource(models.TextChoices):
    """Where the names and date of birth of a person come from."""

    DECLARED = "declared", _("Declared by the person")
    FRANCECONNECT = "franceconnect", _("Verified by FranceConnect")


# What FranceConnect verifies: the person can no longer change them once it has.
IDENTITY_FIELDS = ("first_name", "last_name", "date_of_birth")
