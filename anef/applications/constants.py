from django.db import models
from django.utils.translation import gettext_lazy as _


class RefusalGround(models.TextChoices):
    CONDITIONS_NOT_MET = "conditions_not_met", _("The conditions of the permit sought are not met")
    INSUFFICIENT_RESOURCES = "insufficient_resources", _("Insufficient resources")
    NO_ANSWER_TO_REQUEST = "no_answer_to_request", _("Documents requested were not provided")
    FRAUD = "fraud", _("False documents or false statements")
    PUBLIC_ORDER = "public_order", _("Threat to public order")
    OTHER = "other", _("Other ground (stated below)")


class ClosureReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate of another application")
    WRONG_PROCEDURE = "wrong_procedure", _("Wrong procedure: another application was filed instead")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed (person left France, obtained another permit...)")
    UNREACHABLE = "unreachable", _("Applicant unreachable")
    JOINED = "joined", _("Joined to another application, which makes the card")
    OTHER = "other", _("Other reason (stated below)")


class DocumentVerdict(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


# How to appeal a refusal, stated on every refusal (SPEC §5, decision letter).
APPEAL_DAYS = 60

# How long after a withdrawal an agent or supervisor may undo it (a withdrawal made by mistake, by
# the person or by someone acting for them): long enough to hear of the mistake, short enough that
# nobody reopens a file the person has given up on long ago.
RESTORE_WITHDRAWAL_DAYS = 30
