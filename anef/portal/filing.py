"""Filing an application, step by step: eligibility, the procedure's form, the documents, the
check and the submission; and the profile of the person it is for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anef.accounts.forms import ProfileForm
from anef.accounts.services import PROFILE_FIELDS
from anef.applications import services
from anef.applications.access import application_for_user, profile_editable_by
from anef.applications.errors import DuplicateApplication, IncompleteApplication
from anef.applications.selectors import applicable_documents, current_documents
from anef.applications.workflow import State
from anef.core.errors import UserError
from anef.documents.services import UPLOAD_STATES, document_upload
from anef.procedures.models import Procedure

from .access import draft_or_redirect, person_of
from .forms import AnswersForm, EligibilityForm, RequirementChoiceForm, UploadForm
from .pages import review_page, submitted_page
from .presenters import application_steps

# The name of the button that saves a step as it is and leaves ("Save and finish later").
SAVE_FOR_LATER = "save_and_leave"


@login_required
@require_POST
def application_start(request, code):
    person = person_of(request)
    procedure = get_object_or_404(Procedure, code=code, active=True)
    try:
        application = services.application_create(person=person, procedure=procedure, actor=request.user)
    except DuplicateApplication as exc:
        if exc.existing is None:
            raise
        messages.warning(request, exc.message)
        return redirect("portal:application", reference=exc.existing.reference)
    first_step = "portal:eligibility" if procedure.questions else "portal:form"
    return redirect(first_step, reference=application.reference)


@login_required
def application_profile(request, reference):
    """The profile of the person an application is for, reached from the application: the same
    form for the applicant, their helper under a mandate, or the counter agent filing for them."""
    application = application_for_user(user=request.user, reference=reference)
    person = application.person
    if not profile_editable_by(actor=request.user, application=application):
        return render(
            request, "portal/profile.html", {"application": application, "person": person, "form": None}, status=403
        )
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=person)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        try:
            services.application_profile_update(application_id=application.pk, actor=request.user, **values)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The profile is saved."))
            target = "portal:review" if application.state == State.DRAFT else "portal:application"
            return redirect(target, reference=application.reference)
    return render(
        request,
        "portal/profile.html",
        {"form": form, "application": application, "person": person},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_eligibility(request, reference):
    application = application_for_user(user=request.user, reference=reference)
    if (response := draft_or_redirect(request, application)) is not None:
        return response
    form = EligibilityForm(
        request.POST if request.method == "POST" else None,
        procedure=application.procedure,
        initial_answers=application.eligibility,
    )
    if request.method == "POST":
        complete = form.is_valid()
        # Every answer given is kept, whichever button was pressed and whatever is still unanswered.
        services.application_save_eligibility(application_id=application.pk, answers=form.answers(), actor=request.user)
        if SAVE_FOR_LATER in request.POST:  # no error on saving for later: they are shown on continuing
            return _saved_for_later(request)
    if request.method == "POST" and complete:
        ineligible = form.ineligible()
        if not ineligible:
            return redirect("portal:form", reference=reference)
        return render(
            request,
            "portal/ineligible.html",
            {"application": application, "reasons": ineligible, "steps": application_steps(application, "eligibility")},
        )
    return render(
        request,
        "portal/step_eligibility.html",
        {"application": application, "form": form, "steps": application_steps(application, "eligibility")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_form(request, reference):
    application = application_for_user(user=request.user, reference=reference)
    if (response := draft_or_redirect(request, application)) is not None:
        return response
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        procedure=application.procedure,
        initial_answers=application.answers,
        typed=application.typed_input,
    )
    if request.method == "POST":
        complete = form.is_valid()
        # Everything typed is kept, valid or not, whichever button was pressed: the answers that
        # read, and the rest as typed (shown again when the step is reopened).
        services.application_save_answers(
            application_id=application.pk, answers=form.answers(), typed=form.typed_input(), actor=request.user
        )
        if SAVE_FOR_LATER in request.POST:  # no error on saving for later: they are shown on continuing
            return _saved_for_later(request)
        if complete:
            return redirect("portal:documents", reference=reference)
    return render(
        request,
        "portal/step_form.html",
        {"application": application, "form": form, "steps": application_steps(application, "form")},
    )


def _saved_for_later(request):
    messages.success(request, _("Your draft is saved. You can come back to it at any time."))
    return redirect("portal:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def application_documents(request, reference):
    """List the documents to provide; each has its own upload form posting back here."""
    application = application_for_user(user=request.user, reference=reference)
    if application.state not in UPLOAD_STATES:
        return redirect("portal:application", reference=reference)
    needs_reason = application.state != State.DRAFT
    requirements = applicable_documents(application)
    failed_code, failed_form = None, None
    if request.method == "POST":
        chosen = RequirementChoiceForm(request.POST, requirements=requirements)
        form = UploadForm(request.POST, request.FILES, needs_reason=needs_reason)
        if not chosen.is_valid():
            raise Http404
        code = chosen.cleaned_data["requirement"]
        if form.is_valid():
            try:
                document_upload(
                    application_id=application.pk,
                    requirement_code=code,
                    uploaded=form.cleaned_data["file"],
                    actor=request.user,
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            except UserError as exc:
                form.add_error(None, exc.message)
        if form.is_valid() and not form.errors:
            messages.success(request, _("The document is saved."))
            if request.POST.get("back") == "request":  # sent from its slot in the request, on the file's page
                return HttpResponseRedirect(reverse("portal:application", args=[reference]) + "#request")
            return HttpResponseRedirect(reverse("portal:documents", args=[reference]) + f"#doc-{code}")
        failed_code, failed_form = code, form
    uploaded = current_documents(application)
    initial = {}
    if application.state == State.AWAITING_APPLICANT:
        initial["reason"] = _("In answer to the prefecture's request")
    rows = []
    for requirement in requirements:
        if requirement["code"] == failed_code:
            form = failed_form
        else:
            form = UploadForm(needs_reason=needs_reason, initial=initial)
        form.auto_id = f"id_{requirement['code']}_%s"
        rows.append({"requirement": requirement, "document": uploaded.get(requirement["code"]), "form": form})
    return render(
        request,
        "portal/step_documents.html",
        {
            "application": application,
            "rows": rows,
            "failed_form": failed_form,
            "steps": application_steps(application, "documents") if application.state == State.DRAFT else None,
        },
        status=400 if failed_form is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_review(request, reference):
    application = application_for_user(user=request.user, reference=reference)
    if request.method == "POST":
        try:
            services.application_submit(application_id=application.pk, actor=request.user)
        except IncompleteApplication:
            pass  # the page below lists what is missing
        except UserError as exc:
            if application.state != State.DRAFT:
                # Already submitted (double click, second tab, retried request): nothing changed.
                messages.info(request, _("This application was already submitted."))
                return redirect("portal:application", reference=reference)
            messages.error(request, exc.message)
        else:
            if request.user.is_counter_agent:
                # Filed at the counter: the agent prints the summary for the person, not their page.
                messages.success(request, _("The application is submitted. Print this summary for the person."))
                return redirect("backoffice:counter_summary", reference=reference)
            return redirect("portal:submitted", reference=reference)
        application.refresh_from_db()
    if (response := draft_or_redirect(request, application)) is not None:
        return response
    return render(
        request,
        "portal/step_review.html",
        review_page(application=application),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def application_submitted(request, reference):
    """The confirmation after a submission: the file's number, what happens next and when, where to
    follow it, and a word on the service. A draft has nothing to confirm: back to its check."""
    application = application_for_user(user=request.user, reference=reference)
    if application.state == State.DRAFT:
        return redirect("portal:review", reference=reference)
    return render(request, "portal/submitted.html", submitted_page(application=application))
