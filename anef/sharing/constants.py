from django.db import models
from django.utils.translation import gettext_lazy as _


class RightVerdict(models.TextChoices):
    """What a third party's check answers (sharing.rights.right_for). Five answers that never read
    the same: a verifier must not take "not issued yet" or "may stay but not work" for "no right"."""

    HOLDS = "right_holds", _("The right holds")
    RENEWAL_PENDING = "renewal_in_time", _("A renewal filed in time is pending: the right continues")
    STAY_WITHOUT_WORK = "stay_without_work", _("The person may stay in France but may not work")
    NOT_ISSUED_YET = "not_issued_yet", _("The right is granted but its document is not issued yet")
    NO_RIGHT = "no_right", _("No right appears in the administration's records today")


class RightBasis(models.TextChoices):
    """Which record the answer comes from: never what the person typed in their profile."""

    PERMIT = "permit", _("the residence permit on record")
    API = "api", _("the attestation extending the examination of the renewal (API)")
    DECISION = "attestation_decision_favorable", _("the attestation of favourable decision")
    RENEWAL = "renewal", _("the renewal filed in time")
    NONE = "none", _("nothing on record")
