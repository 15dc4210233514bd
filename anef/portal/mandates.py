"""The applicant's helpers: give a mandate (all or chosen applications, until a date), answer a
paper mandate a helper recorded, revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anef.assistance.services import mandate_answer, mandate_grant, mandate_revoke
from anef.core.errors import UserError

from .access import person_of
from .forms import MandateAnswerForm, MandateGrantForm, MandateRevokeForm
from .pages import mandates_page


@login_required
@require_http_methods(["GET", "POST"])
def helpers(request):
    """The applicant gives a helper a mandate (all or chosen applications, until a date) or revokes one."""
    person = person_of(request)
    if request.method == "GET":
        return render(request, "portal/helpers.html", mandates_page(person=person))
    if "revoke" in request.POST:  # which button was pressed
        form = MandateRevokeForm(request.POST, person=person)
        if not form.is_valid():
            raise Http404
        mandate_revoke(mandate=form.cleaned_data["revoke"], actor=request.user)
        messages.success(request, _("The mandate is revoked: the helper no longer sees your applications."))
    elif any(button in request.POST for button in MandateAnswerForm.base_fields):  # agree or refuse
        _answer(request, person, MandateAnswerForm(request.POST))
    else:
        _grant(request, person, MandateGrantForm(request.POST, person=person))
    return redirect("portal:helpers")


def _answer(request, person, form):
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return
    mandate_id, agree = form.answer()
    try:
        mandate_answer(person=person, mandate_id=mandate_id, agree=agree)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The helper can now act for you, and you see everything they do.")
            if agree
            else _("You refused the mandate: the helper sees nothing of your applications."),
        )


def _grant(request, person, form):
    if not form.is_valid():
        messages.error(request, form.errors["ends_on"][0])
        return
    try:
        mandate_grant(
            person=person,
            helper_email=form.cleaned_data["helper_email"],
            ends_on=form.cleaned_data["ends_on"],
            applications=form.cleaned_data["applications"],
        )
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The helper can now act for you, and you see everything they do."))
