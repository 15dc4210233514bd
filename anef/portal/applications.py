"""A filed application, from the applicant's side (or their helper's, or the counter's): its page,
and what they may do on it: correct it, withdraw it, answer a request, appeal, ask where it stands."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anef.accounts.constants import Role
from anef.applications import services
from anef.applications.access import allowed_events, application_for_user
from anef.applications.workflow import EventKind
from anef.assistance.services import mandate_record_use
from anef.certificates.services import document_render_pdf
from anef.core.errors import UserError
from anef.core.http import erased_file_response, private_file_response, user_file_response, wants_inline
from anef.documents.selectors import document_for_user
from anef.transparency.inquiries import inquiry_send

from .forms import AnswerForm, InquiryForm, UploadForm, WithdrawForm
from .pages import application_page, withdraw_page


@login_required
def application_detail(request, reference):
    application = application_for_user(user=request.user, reference=reference)
    if request.user.role == Role.HELPER:
        mandate_record_use(helper=request.user, application=application)
    return _application_page(request, application)


def _application_page(request, application, inquiry_form=None, status=200):
    context = application_page(user=request.user, application=application)
    context.update(answer_form=AnswerForm(), inquiry_form=inquiry_form or InquiryForm())
    for slot in context["request_slots"]:
        slot["form"] = UploadForm(auto_id=f"id_{slot['requirement']['code']}_%s")
    return render(request, "portal/application_detail.html", context, status=status)


@login_required
@require_POST
def application_reopen(request, reference):
    application = application_for_user(user=request.user, reference=reference)
    try:
        services.application_reopen(application_id=application.pk, actor=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("portal:application", reference=reference)
    messages.info(
        request,
        _("You can correct your application. Submit it again when you are done: its filing date stays the same."),
    )
    return redirect("portal:form", reference=reference)


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, reference):
    application = application_for_user(user=request.user, reference=reference)
    if EventKind.WITHDRAW not in allowed_events(user=request.user, application=application):
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect("portal:application", reference=reference)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    page = withdraw_page(application=application, form=form)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application_id=application.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your application is withdrawn."))
            for api in page["apis"]:
                messages.warning(
                    request,
                    _(
                        "Your provisional attestation (API) no. %(number)s, which was valid until %(until)s, "
                        "stopped today, %(today)s: it no longer proves your rights."
                    )
                    % {
                        "number": api.number,
                        "until": date_format(api.valid_until, "SHORT_DATE_FORMAT"),
                        "today": date_format(page["stops_on"], "SHORT_DATE_FORMAT"),
                    },
                )
        return redirect("portal:application", reference=reference)
    return render(request, "portal/withdraw.html", page, status=400 if form.errors else 200)


@login_required
def document_download(request, document_id):
    document = document_for_user(user=request.user, document_id=document_id)
    if request.user.role == Role.HELPER:
        mandate_record_use(helper=request.user, application=document.application)
    if document.erased_at:
        return erased_file_response(
            request,
            name=document.original_name,
            erased_at=document.erased_at,
            back_url=reverse("portal:application", args=[document.application.reference]),
        )
    return user_file_response(
        document.file,
        content_type=document.content_type,
        filename=document.original_name,
        inline=wants_inline(request),
    )


@login_required
def issued_document(request, reference, number):
    """A document this file produced (filing certificate, API, decision letter...), as a PDF: reached
    through the file, so whoever may read the file (the person, their helper, the counter) gets it."""
    application = application_for_user(user=request.user, reference=reference)
    document = get_object_or_404(application.issued_documents, number=number)
    if request.user.role == Role.HELPER:
        mandate_record_use(helper=request.user, application=application)
    document = document_render_pdf(document_id=document.pk)
    return private_file_response(document.pdf, content_type="application/pdf", filename=f"{document.number}.pdf")


@login_required
@require_POST
def application_answer(request, reference):
    """Send back an answer to the prefecture's request: the file returns to review."""
    application = application_for_user(user=request.user, reference=reference)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a short answer for the agent, even just “documents sent”."))
        return redirect("portal:application", reference=reference)
    try:
        services.application_answer_request(
            application_id=application.pk, actor=request.user, answer=form.cleaned_data["answer"]
        )
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your answer is sent. The agent continues the review."))
    return redirect("portal:application", reference=reference)


@login_required
@require_POST
def application_appeal(request, reference):
    """Appeal a refusal to the prefect: a new application linked to the refused one."""
    application = application_for_user(user=request.user, reference=reference)
    try:
        appeal = services.application_create_appeal(refused_id=application.pk, actor=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("portal:application", reference=reference)
    return redirect("portal:form", reference=appeal.reference)


@login_required
@require_POST
def application_inquiry(request, reference):
    """A formal inquiry on a file that waited longer than 9 files in 10 (the page offers it then)."""
    application = application_for_user(user=request.user, reference=reference)
    form = InquiryForm(request.POST)
    if form.is_valid():
        try:
            inquiry = inquiry_send(application_id=application.pk, actor=request.user, text=form.cleaned_data["text"])
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Your inquiry is sent. The prefecture must answer by %(date)s.")
                % {"date": date_format(inquiry.answer_due_on, "SHORT_DATE_FORMAT")},
            )
            return redirect("portal:application", reference=reference)
    return _application_page(request, application, inquiry_form=form, status=400)
