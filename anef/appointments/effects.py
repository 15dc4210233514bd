"""What the workflow's moves do to appointments (SPEC §7), one function per effect, named in
`anef.applications.workflow.TRANSITIONS` and run in the transaction of the move."""

from anef.applications.kernel import Happened
from anef.applications.workflow import EventKind

from .constants import Kind
from .selectors import biometrics_recorded
from .services import appointments_follow_transfer, appointments_release, invitation_create


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
    """The file is over (withdrawn, refused, closed, card handed over): nothing is left to book, and
    the seats it held go back to others (the person is told each appointment is cancelled)."""
    appointments_release(application=happened.application, actor=happened.actor)


def follow_a_transfer(happened: Happened) -> None:
    """Run for every event (`workflow.ON_EVERY_EVENT`), acts on transfers, whatever path made them
    (an agent, a change of address): appointments follow the file to its new prefecture."""
    if happened.event.kind == EventKind.TRANSFER:
        appointments_follow_transfer(application=happened.application, actor=happened.actor)
