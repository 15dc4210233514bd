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


# What a permit lets its holder do within limits, by kind: a student may work 964 hours a year (60 %
# of the legal working time, CESEDA L. 422-1 and R. 5221-26 of the Labour Code). Employers read it
# at the check of a right (`sharing.rights`, the verification page).
WORK_HOURS_PER_YEAR = {PermitType.STUDENT: 964}


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class IdentitySource(models.TextChoices):
    """Where the names and date of birth of a person come from."""

    DECLARED = "declared", _("Declared by the person")
    FRANCECONNECT = "franceconnect", _("Verified by FranceConnect")


# What FranceConnect verifies: the person can no longer change them once it has.
IDENTITY_FIELDS = ("first_name", "last_name", "date_of_birth")


class RecoveryChannel(models.TextChoices):
    """How a person who lost access to their account received the code that gives it back."""

    SMS = "sms", _("Code sent by text message to the number on file")
    COUNTER = "counter", _("Code given at a prefecture counter, identity checked")
    HELPER = "helper", _("Code given by a helper holding a mandate, identity checked")


class IdentityDocument(models.TextChoices):
    """The document an agent or a helper checked in person before giving a recovery code."""

    PASSPORT = "passport", _("Passport")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    NATIONAL_ID = "national_id", _("National identity card")
    RECEIPT = "receipt", _("Receipt (récépissé) with photograph")
    OTHER = "other", _("Other official document with photograph")
