"""The helper's space (France Services, associations): the people they assist under a mandate."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from anef.accounts.constants import Role
from anef.accounts.forms import RecoveryCodeIssueForm
from anef.accounts.recovery import (
    PAPER_CODE_DAYS,
    RecoveryError,
    recovery_code_issue,
    recovery_letter,
    recovery_person_for,
)
from anef.applications import services
from anef.applications.models import InformationRequest
from anef.applications.workflow import State
from anef.appointments.models import Invitation
from anef.assistance.models import Mandate
from anef.assistance.selectors import mandated_applications, people_assisted
from anef.assistance.services import mandate_confirm_with_code, mandate_request_paper, mandate_revoke
from anef.core.errors import UserError
from anef.core.throttle import throttle
from anef.procedures.models import Procedure

from .forms import ConfirmMandateForm, PaperMandateForm


def helper_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.role != Role.HELPER or request.user.structure_id is None:
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@helper_required
def dashboard(request):
    applications = list(
        mandated_applications(helper=request.user).select_related("person", "procedure").order_by("person__last_name")
    )
    waiting_request = set(
        InformationRequest.objects.filter(application__in=applications, answered_at__isnull=True).values_list(
            "application_id", flat=True
        )
    )
    waiting_booking = set(
        Invitation.objects.filter(application__in=applications, status=Invitation.Status.OPEN).values_list(
            "application_id", flat=True
        )
    )
    people = {}
    for application in applications:
        application.waiting_request = application.pk in waiting_request
        application.waiting_booking = application.pk in waiting_booking
        application.is_draft = application.state == State.DRAFT
        people.setdefault(application.person, []).append(application)
    for person in people_assisted(helper=request.user):
        people.setdefault(person, [])
    mandates = Mandate.objects.valid().filter(helper=request.user).select_related("person")
    return render(
        request,
        "helperspace/dashboard.html",
        {"people": people, "mandates": mandates, "procedures": Procedure.objects.filter(active=True)},
    )


@helper_required
@require_POST
def start(request, person_id, code):
    person = get_object_or_404(people_assisted(helper=request.user), pk=person_id)
    procedure = get_object_or_404(Procedure, code=code, active=True)
    try:
        application = services.application_create(person=person, procedure=procedure, actor=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("helperspace:dashboard")
    return redirect("portal:eligibility" if procedure.questions else "portal:form", reference=application.reference)


@helper_required
@require_http_methods(["GET", "POST"])
@throttle(group="paper-mandate", rate="20/h", per="user")
def paper_mandate(request):
    form = PaperMandateForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"ends_on": timezone.localdate() + timedelta(days=180)},
    )
    if request.method == "POST" and request.limited:
        form.is_valid()
        form.add_error(None, _("You recorded many mandates in the last hour. Try again later."))
    elif request.method == "POST" and form.is_valid():
        try:
            mandate_request_paper(
                helper=request.user,
                person_email=form.cleaned_data["person_email"],
                last_name=form.cleaned_data["last_name"],
                file_or_claim=form.cleaned_data["file_or_claim"],
                birth_date=form.cleaned_data["birth_date"],
                ends_on=form.cleaned_data["ends_on"],
                uploaded=form.cleaned_data["scan"],
            )
        except ValidationError as exc:
            form.add_error("scan", exc)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "If these details match a person known to ANEF, they have received a code by email or text "
                    "message (by post if they have neither). The mandate starts once they give it to you, or "
                    "confirm it from their space or at the counter."
                ),
            )
            named = form.cleaned_data["person_email"] or form.cleaned_data["file_or_claim"]
            return redirect(f"{reverse('helperspace:confirm_mandate')}?{urlencode({'email': named}, safe='@')}")
    return render(request, "helperspace/paper_mandate.html", {"form": form}, status=400 if form.errors else 200)


@helper_required
@require_http_methods(["GET", "POST"])
@throttle(group="confirm-mandate", rate="30/h", per="user")
def confirm_mandate(request):
    form = ConfirmMandateForm(
        request.POST if request.method == "POST" else None, initial={"person_email": request.GET.get("email", "")}
    )
    if request.method == "POST" and request.limited:
        form.is_valid()
        form.add_error(None, _("Too many codes typed in the last hour. Try again later."))
    elif request.method == "POST" and form.is_valid():
        try:
            mandate = mandate_confirm_with_code(
                helper=request.user, person_email=form.cleaned_data["person_email"], code=form.cleaned_data["code"]
            )
        except UserError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(
                request,
                _("%(name)s confirmed the mandate: you can act for them until %(date)s.")
                % {"name": mandate.person.full_name, "date": date_format(mandate.ends_on, "SHORT_DATE_FORMAT")},
            )
            return redirect("helperspace:dashboard")
    return render(request, "helperspace/confirm_mandate.html", {"form": form}, status=400 if form.errors else 200)


@helper_required
@require_POST
def end_mandate(request, mandate_id):
    mandate = get_object_or_404(Mandate.objects.valid(), pk=mandate_id, helper=request.user)
    mandate_revoke(mandate=mandate, actor=request.user)
    messages.success(request, _("The mandate has ended. The person is told."))
    return redirect("helperspace:dashboard")


@never_cache
@helper_required
@require_http_methods(["GET", "POST"])
def recovery_issue(request, person_id):
    """A person who gave this helper a mandate lost access to their account: the helper checks their
    identity document in person and prints a one-time recovery code (accounts.recovery)."""
    person = recovery_person_for(actor=request.user, person_id=person_id)
    if person is None:
        raise Http404
    form = RecoveryCodeIssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            row, code = recovery_code_issue(
                person_id=person.pk,
                actor=request.user,
                document=form.cleaned_data["document"],
                document_number=form.cleaned_data["document_number"],
            )
        except RecoveryError as exc:
            form.add_error(None, exc.message)
        else:
            letter = recovery_letter(person=person, row=row, code=code, issuer=request.user)
            return render(
                request, "accounts/recovery_letter.html", {**letter, "back_url": reverse("helperspace:dashboard")}
            )
    return render(
        request,
        "helperspace/recovery_issue.html",
        {"person": person, "form": form, "paper_days": PAPER_CODE_DAYS},
        status=400 if form.errors else 200,
    )
