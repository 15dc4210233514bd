"""The counter: register an application for a person who comes in, without an account."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anef.accounts.constants import Role
from anef.accounts.services import PROFILE_FIELDS
from anef.applications import services as application_services
from anef.applications.access import counter_space
from anef.applications.models import Application
from anef.applications.workflow import State

from .access import staff_required
from .forms import CounterRegistrationForm


@staff_required(roles=frozenset({Role.COUNTER_AGENT}))
@require_http_methods(["GET", "POST"])
def counter_register(request):
    """Register an application for a person at the counter: no account, email or phone needed.
    Filings begun at this prefecture's counter and not yet submitted are listed, to finish them."""
    form = CounterRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        application = application_services.application_register_at_counter(
            actor=request.user,
            procedure=form.cleaned_data["procedure"],
            identity={name: form.cleaned_data[name] for name in [*PROFILE_FIELDS, "email"]},
            postmarked_on=form.cleaned_data["postmarked_on"],
        )
        person = application.person
        messages.success(
            request,
            _("%(name)s is registered. Claim code for an online account later: %(code)s")
            % {"name": person.full_name, "code": person.claim_code},
        )
        step = "portal:eligibility" if application.procedure.questions else "portal:form"
        return redirect(step, reference=application.reference)
    in_progress = (
        Application.objects.filter(counter_space(prefecture_id=request.user.prefecture_id), state=State.DRAFT)
        .select_related("person", "procedure", "created_by")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "backoffice/counter_register.html",
        {"form": form, "in_progress": in_progress},
        status=400 if form.errors else 200,
    )
