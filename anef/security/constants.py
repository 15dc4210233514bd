from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Successful sign-in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
    SECOND_FACTOR_MISSING = "second_factor_missing", _("Refused: second factor not set up")
    ACCESS_DENIED = "access_denied", _("Access refused (403)")
    RATE_LIMITED = "rate_limited", _("Too many attempts (429)")
    OUT_OF_SCOPE = "out_of_scope", _("Attempt outside their role or scope")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_SET = "password_set", _("Password chosen")
    PASSWORD_RESET = "password_reset", _("Password reset")
    SECOND_FACTOR_ADDED = "second_factor_added", _("Second factor set up")
    SECOND_FACTOR_REMOVED = "second_factor_removed", _("Second factor removed")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Recovery codes renewed")
    ACCOUNT_DEACTIVATED = "account_deactivated", _("Account deactivated")
    ACCOUNT_REACTIVATED = "account_reactivated", _("Account reactivated")
    MANDATE_REQUESTED = "mandate_requested", _("Mandate requested")
    MANDATE_GRANTED = "mandate_granted", _("Mandate granted")
    MANDATE_ENDED = "mandate_ended", _("Mandate ended")
    FRANCECONNECT_SIGN_IN = "franceconnect_sign_in", _("Signed in with FranceConnect")
    FRANCECONNECT_LINKED = "franceconnect_linked", _("FranceConnect linked to the account")
    FRANCECONNECT_UNLINKED = "franceconnect_unlinked", _("FranceConnect unlinked from the account")
    FRANCECONNECT_REFUSED = "franceconnect_refused", _("FranceConnect sign-in or link refused")
    RECOVERY_REQUESTED = "recovery_requested", _("Account recovery asked (code by text message)")
    RECOVERY_CODE_ISSUED = "recovery_code_issued", _("Recovery code given after an identity check")
    RECOVERY_CODE_FAILED = "recovery_code_failed", _("Wrong recovery code")
    ACCOUNT_RECOVERED = "account_recovered", _("Account recovered: new email address and password")


USER_AGENT_MAX = 300
PATH_MAX = 500
