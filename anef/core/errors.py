"""The one base class of a refusal a person should read, for every app (core imports no domain)."""

from django.utils.translation import gettext_lazy as _


class UserError(Exception):
    """A refusal the user should read: the message is translated and says what to do. Views catch
    this class and show its message; nothing has changed when it is raised inside a transaction."""

    default_message = _("This action is not possible.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
