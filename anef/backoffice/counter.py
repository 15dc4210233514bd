"""The counter: register an application for a person who comes in, without an account."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anef.accounts.constants import Role
from anef.accounts.services import PROFILE_FIELDS
from anef.applications import services as application_services
from anef.applications.access import application_for_user, counter_space
from anef.applications.models import Application
from anef.applications.workflow import State
from anef.appointments.selectors import opening_days, sites_receiving_the_public

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
        # The filing goes on in the person's steps, spoken to the agent; submitting it ends on the
        # summary to print for the person (counter_summary).
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


@staff_required(roles=frozenset({Role.COUNTER_AGENT}))
def counter_summary(request, reference):
    """What the counter prints and hands over once the application is filed: the file number, the
    claim code, what happens next and how to reach the prefecture, in the person's language (and in
    French, the administration's)."""
    application = application_for_user(user=request.user, reference=reference)
    person = application.person
    prefecture = application.prefecture
    sites = [(site, opening_days(site)) for site in sites_receiving_the_public(prefecture=prefecture)]
    languages = list(dict.fromkeys([person.preferred_language or "fr", "fr"]))
    return render(
        request,
        "backoffice/counter_summary.html",
        {
            "application": application,
            "person": person,
            "prefecture": prefecture,
            "sites": sites,
            "languages": languages,
            "filed": application.state != State.DRAFT,
            "estimated_decision": timezone.localdate(application.due_at) if application.due_at else None,
            "channels": {"email": bool(person.email), "sms": bool(person.phone)},
        },
    )
