"""Who the portal's pages are for: a signed-in person (the applicant's own space), and the steps of
a draft that only a draft may take."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from anef.applications.workflow import State


def person_of(request):
    """The signed-in user's person, or 404 (staff and helpers have no applicant's space)."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person


def draft_or_redirect(request, application):
    """None for a draft; for a filed application, the way back to its page, with why."""
    if application.state != State.DRAFT:
        messages.info(request, _("This application is filed: it can no longer be changed from this page."))
        return redirect("portal:application", reference=application.reference)
    return None
