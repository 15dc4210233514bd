"""Mandates given at the counter: the route for people without email, phone or online account.
The agent checks the person's identity on the spot and records the mandate they give there."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anef.accounts.constants import Role
from anef.applications.access import application_for_staff
from anef.assistance.services import mandate_record_at_counter
from anef.core.errors import UserError
from anef.core.widgets import DateInput

from .access import staff_required


class CounterMandateForm(forms.Form):
    helper_email = forms.EmailField(
        label=gettext_lazy("The helper's email address"),
        help_text=gettext_lazy("The address of their helper account, at a France Services point or an association."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Mandate valid until"), help_text=gettext_lazy("One year at most."), widget=DateInput()
    )
    identity_checked = forms.CharField(
        label=gettext_lazy("Identity document checked"),
        help_text=gettext_lazy("Type and number, for example: passport 19AB12345."),
        max_length=120,
    )


@staff_required(roles=frozenset({Role.COUNTER_AGENT}))
@require_http_methods(["GET", "POST"])
def counter_mandate(request, reference):
    application = application_for_staff(user=request.user, reference=reference)
    form = CounterMandateForm(
        request.POST if request.method == "POST" else None,
        initial={"ends_on": timezone.localdate() + timedelta(days=180)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            mandate_record_at_counter(agent=request.user, person=application.person, **form.cleaned_data)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The mandate is recorded. The person is told on every channel they have, or by letter.")
            )
            return redirect("backoffice:case", reference=application.reference)
    return render(
        request,
        "backoffice/counter_mandate.html",
        {"application": application, "form": form},
        status=400 if form.errors else 200,
    )
