from django.utils.translation import gettext_lazy as _

from anef.core.errors import UserError


class ApplicationError(UserError):
    """A refusal about an application (see `UserError`)."""


class TransitionNotAllowed(ApplicationError):
    default_message = _("This action is not possible at this stage of the application.")


class ConcurrentChange(ApplicationError):
    default_message = _("Someone changed this application at the same moment. Reload the page and try again.")


class IncompleteApplication(ApplicationError):
    default_message = _("The application is not complete yet.")

    def __init__(self, missing):
        self.missing = missing
        super().__init__()


class DuplicateApplication(ApplicationError):
    default_message = _(
        "You already have an application of this kind waiting for a decision. "
        "Complete or withdraw it before submitting another one."
    )

    def __init__(self, existing=None):
        """`existing`: the application of the same kind waiting for a decision, named in the message."""
        self.existing = existing
        if existing is None:
            super().__init__()
        else:
            super().__init__(
                _(
                    "You already have application %(ref)s of this kind waiting for a decision: follow it, or "
                    "withdraw it before starting another one."
                )
                % {"ref": existing.reference}
            )
