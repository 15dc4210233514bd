"""What the workflow's moves do to appointments (SPEC §7), one function per effect, named in
`anef.applications.workflow.TRANSITIONS` and run in the transaction of the move."""

from anef.applications.kernel import Happened

from .constants import Kind
from .models import Invitation
from .selectors import biometrics_recorded
from .services import invitation_create


def invite_to_biometrics(happened: Happened) -> None:
    """When the review of a procedure that takes biometrics starts."""
    if happened.application.procedure.biometrics:
        invitation_create(application=happened.application, kind=Kind.BIOMETRICS, actor=None)


def invite_to_biometrics_if_still_due(happened: Happened) -> None:
    """Accepted before the biometrics were recorded: they stay due, the card is ordered only once
    they are."""
    application = happened.application
    if application.procedure.biometrics and not biometrics_recorded(application):
        invitation_create(application=application, kind=Kind.BIOMETRICS, actor=None)


def invite_to_card_handover(happened: Happened) -> None:
    invitation_create(application=happened.application, kind=Kind.CARD_HANDOVER, actor=None)


def cancel_open_invitations(happened: Happened) -> None:
    """The file is over (withdrawn, refused, closed, card handed over): nothing is left to book."""
    Invitation.objects.filter(application=happened.application, status=Invitation.Status.OPEN).update(
        status=Invitation.Status.CANCELLED
    )
