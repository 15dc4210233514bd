"""The choices that templates compare with, in every page's context: a template writes
`{% if application.state == State.DRAFT %}`, never the bare value (anef/core/tests/test_architecture.py holds
it). Django's choices are not called by templates (do_not_call_in_templates), so `State.DRAFT` resolves to the
member.

It sits at the top of the project, beside anef.urls, because it gathers choices from several apps for
templates that several interfaces share (portal/_state_badge.html is shown by the portal and the back office).
A choices class whose name is ambiguous across apps (Kind, Channel) is not here: a view passes it itself.
Mails, letters and PDFs rendered with render_to_string get no context processor: they pass what they compare.
"""

from anef.accounts.constants import Role
from anef.applications.constants import DocumentVerdict
from anef.applications.workflow import State
from anef.appointments.constants import BookingStatus
from anef.certificates.constants import DocumentStatus, VerificationStatus
from anef.documents.constants import ScanStatus
from anef.notifications.constants import NotificationState, PrintRunState

CHOICES = {
    "State": State,
    "Role": Role,
    "BookingStatus": BookingStatus,
    "DocumentVerdict": DocumentVerdict,
    "ScanStatus": ScanStatus,
    "NotificationState": NotificationState,
    "PrintRunState": PrintRunState,
    "DocumentStatus": DocumentStatus,
    "VerificationStatus": VerificationStatus,
}


def choices(request):
    return CHOICES
