"""The applicant's own space: their dashboard, profile and data, notifications, and the files
registered for them at a counter that they attach to their account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anef.accounts.forms import ProfileForm
from anef.accounts.franceconnect import franceconnect_enabled
from anef.accounts.selectors import franceconnect_link_of
from anef.accounts.services import PROFILE_FIELDS, person_claim
from anef.applications.moves import person_profile_update
from anef.core.errors import UserError
from anef.core.throttle import FailureLimit, attempt, throttle
from anef.notifications.models import Notification
from anef.notifications.services import notifications_mark_read
from anef.procedures.models import Procedure
from anef.security.selectors import account_history
from anef.transparency.feedback import feedback_give

from .access import person_of
from .export import person_data_archive
from .forms import ClaimForm, FeedbackForm, FranceConnectUnlinkForm
from .pages import dashboard_page


@login_required
def dashboard(request):
    return render(request, "portal/dashboard.html", dashboard_page(user=request.user, person=person_of(request)))


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    person = person_of(request)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=person)
    # The form never saves by itself: the service is the only writer.
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        person_profile_update(person_id=person.pk, actor=request.user, **values)
        messages.success(request, _("Your profile is saved."))
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("portal:dashboard")
        return redirect(target)
    context = {
        "form": form,
        "franceconnect_enabled": franceconnect_enabled(),
        "franceconnect_link": franceconnect_link_of(user=request.user),
        "unlink_form": FranceConnectUnlinkForm(),
        "account_history": account_history(user=request.user),
    }
    return render(request, "portal/profile.html", context)


@login_required
@throttle(group="data-export", rate="10/h", per="user", methods=("GET",))
def data_export(request):
    """All the data we hold about the signed-in person, as one ZIP (SPEC §10)."""
    person = person_of(request)
    if request.limited:
        messages.error(request, _("You downloaded your data several times this hour. Try again later."))
        return redirect("portal:profile")
    response = HttpResponse(person_data_archive(person=person), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="anef-{timezone.localdate():%Y-%m-%d}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def notifications(request):
    person = person_of(request)
    items = list(Notification.objects.filter(person=person).select_related("application", "print_run")[:200])
    notifications_mark_read(person=person)
    return render(request, "portal/notifications.html", {"notifications": items})


# Wrong claim codes or dates of birth: per client, per account, and per client and code. The code is
# never locked, so the person it was printed for can always use it from their own connection.
CLAIM_FAILURES_PER_CLIENT = FailureLimit("claim-client", "10/h")
CLAIM_FAILURES_PER_ACCOUNT = FailureLimit("claim-account", "10/h", per_client=False)  # the guesser's own account
CLAIM_FAILURES_PER_CODE = FailureLimit("claim-target", "5/h")


@login_required
@require_http_methods(["GET", "POST"])
def claim(request):
    """Attach the files registered at a counter to this account, with the code given on paper."""
    error, status = None, 200
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form.is_valid()  # the code is always read; a missing or garbled date is said below
        limits = [
            (CLAIM_FAILURES_PER_CLIENT, ""),
            (CLAIM_FAILURES_PER_ACCOUNT, f"account:{request.user.pk}"),
            (CLAIM_FAILURES_PER_CODE, form.normalised_code()),
        ]
        tried = attempt(request, limits)
        if tried is None:
            error, status = _("Too many wrong codes or dates of birth. Wait an hour and try again."), 429
        elif form.errors:
            tried.succeeded()  # not a guess: nothing was compared
            error, status = form.errors["birth_date"][0], 400
        else:
            try:
                person_claim(
                    user=request.user,
                    claim_code=form.cleaned_data["code"],
                    birth_date=form.cleaned_data["birth_date"],
                )
            except UserError as exc:
                error, status = exc.message, 400
            else:
                tried.succeeded()
                messages.success(request, _("Your files registered at the counter are now in your space."))
                return redirect("portal:dashboard")
    return render(request, "portal/claim.html", {"error": error, "typed": form.typed()}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request):
    """An opinion on the service, asked on the page that confirms a filing (anonymous)."""
    initial = {"procedure": request.GET.get("demarche", "")}
    form = FeedbackForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        procedure = Procedure.objects.filter(code=form.cleaned_data["procedure"]).first()
        try:
            feedback_give(
                satisfaction=form.cleaned_data["satisfaction"],
                text=form.cleaned_data["text"],
                procedure=procedure,
                actor=request.user,
            )
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: your opinion is recorded. It helps improve the service."))
            return redirect("portal:dashboard")
    return render(request, "portal/feedback.html", {"form": form}, status=400 if form.errors else 200)
