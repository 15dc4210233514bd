"""The case page and what staff do on a file from it: the workflow's moves, notes, inquiries,
assignment, verdicts on documents. Each action is a form and one service call; the services check
who may do what, and the page shows only what `pages.case_page` says this user may do."""

import logging

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anef.applications import review
from anef.applications.access import application_for_staff, applications_for_agent
from anef.applications.selectors import unchecked_documents
from anef.applications.services import staff_read_record
from anef.applications.workflow import EventKind as E
from anef.appointments.services import biometrics_invite
from anef.certificates.sweeps import api_failure_record, issue_one_api
from anef.core.errors import UserError
from anef.documents import services as document_services
from anef.documents.selectors import document_for_staff
from anef.transparency.inquiries import inquiry_answer, inquiry_send

from .access import staff_required
from .forms import (
    AcceptForm,
    AssignForm,
    CloseForm,
    CounterInquiryForm,
    InquiryAnswerForm,
    NoteForm,
    RefuseForm,
    RequestInformationForm,
    RestoreWithdrawalForm,
    TransferForm,
    VerdictForm,
)
from .pages import SUPERVISORS, case_page

logger = logging.getLogger(__name__)


# The case page's actions are named after the workflow's events where they are one (`E.ACCEPT` is
# "accept"), and otherwise by what they do ("take", "note", "send_inquiry"...).


def _forms(application, bound=None) -> dict:
    """The page's action forms, the one just posted (with its errors) in place of a blank one."""
    bound = bound or {}
    return {
        E.REQUEST_INFORMATION: bound.get(E.REQUEST_INFORMATION)
        or RequestInformationForm(**_form_kwargs(RequestInformationForm, application)),
        E.ACCEPT: bound.get(E.ACCEPT) or AcceptForm(**_form_kwargs(AcceptForm, application)),
        E.REFUSE: bound.get(E.REFUSE) or RefuseForm(),
        "close": bound.get("close") or CloseForm(),
        E.RESTORE_WITHDRAWAL: bound.get(E.RESTORE_WITHDRAWAL) or RestoreWithdrawalForm(),
        E.TRANSFER: bound.get(E.TRANSFER) or TransferForm(**_form_kwargs(TransferForm, application)),
        "note": bound.get("note") or NoteForm(),
        "answer_inquiry": bound.get("answer_inquiry") or InquiryAnswerForm(),
        "send_inquiry": bound.get("send_inquiry") or CounterInquiryForm(),
        E.ASSIGN: AssignForm(prefecture=application.prefecture, initial={"assignee": application.assigned_to_id}),
        "verdict": VerdictForm(),
    }


def _form_kwargs(form_class, application) -> dict:
    """What an action's form needs to know of the file."""
    if form_class is TransferForm:
        return {"current": application.prefecture}
    if form_class is RequestInformationForm:
        return {"procedure": application.procedure}
    if form_class is AcceptForm:
        return {"unchecked": unchecked_documents(application), "procedure": application.procedure}
    return {}


@staff_required
def case(request, reference):
    application = application_for_staff(user=request.user, reference=reference)
    staff_read_record(actor=request.user, application=application)
    context = case_page(user=request.user, application=application)
    return render(request, "backoffice/case.html", {**context, "forms": _forms(application)})


ACTIONS = {
    # action: (form class, service call, success message, translated when shown)
    E.REQUEST_INFORMATION: (
        RequestInformationForm,
        lambda app, user, form: review.application_request_information(
            application_id=app.pk,
            actor=user,
            items=form.item_list(),
            message=form.cleaned_data["message"],
            deadline=form.cleaned_data["deadline"],
        ),
        gettext_lazy("The request is sent. The file waits for the applicant."),
    ),
    E.ACCEPT: (
        AcceptForm,
        lambda app, user, form: review.application_accept(
            application_id=app.pk, actor=user, comment=form.cleaned_data["comment"]
        ),
        gettext_lazy("The application is accepted."),
    ),
    E.REFUSE: (
        RefuseForm,
        lambda app, user, form: review.application_refuse(
            application_id=app.pk, actor=user, ground=form.cleaned_data["ground"], text=form.cleaned_data["text"]
        ),
        gettext_lazy("The application is refused. The applicant can read the grounds and how to appeal."),
    ),
    "close": (
        CloseForm,
        lambda app, user, form: review.application_close(
            application_id=app.pk,
            actor=user,
            reason_code=form.cleaned_data["reason_code"],
            text=form.cleaned_data["text"],
        ),
        gettext_lazy("The file is closed."),
    ),
    E.RESTORE_WITHDRAWAL: (
        RestoreWithdrawalForm,
        lambda app, user, form: review.application_restore_withdrawal(
            application_id=app.pk, actor=user, reason=form.cleaned_data["reason"]
        ),
        gettext_lazy("The withdrawal is undone: the file is examined again and the applicant is told."),
    ),
    E.TRANSFER: (
        TransferForm,
        lambda app, user, form: review.application_transfer(
            application_id=app.pk, to=form.cleaned_data["prefecture"], actor=user, reason=form.cleaned_data["reason"]
        ),
        gettext_lazy("The file is transferred with its history."),
    ),
    "send_inquiry": (
        # At the counter, for a person without an online account (the service checks it).
        CounterInquiryForm,
        lambda app, user, form: inquiry_send(application_id=app.pk, actor=user, text=form.cleaned_data["text"]),
        gettext_lazy("The inquiry is sent. The person will receive the answer by post."),
    ),
    "answer_inquiry": (
        InquiryAnswerForm,
        lambda app, user, form: inquiry_answer(application_id=app.pk, actor=user, text=form.cleaned_data["text"]),
        gettext_lazy("The answer is sent to the applicant."),
    ),
    "note": (
        NoteForm,
        lambda app, user, form: review.note_add(application_id=app.pk, actor=user, text=form.cleaned_data["text"]),
        gettext_lazy("The note is saved."),
    ),
}


@staff_required
@require_POST
def act(request, reference, action):
    application = application_for_staff(user=request.user, reference=reference)
    if action == "take":
        return _simple(
            request,
            application,
            lambda: review.application_take(application_id=application.pk, actor=request.user),
            _("The file is yours."),
        )
    if action == E.START_REVIEW:
        return _simple(
            request,
            application,
            lambda: review.application_start_review(application_id=application.pk, actor=request.user),
            _("Review started."),
        )
    if action in (E.ORDER_CARD, E.MARK_CARD_READY):
        return _simple(
            request,
            application,
            lambda: review.application_card_step(application_id=application.pk, event=E(action), actor=request.user),
            _("The card is ordered.") if action == E.ORDER_CARD else _("The card is ready: the person is invited."),
        )
    if action == "invite_biometrics":
        return _simple(
            request,
            application,
            lambda: biometrics_invite(application_id=application.pk, actor=request.user),
            _("The person is invited to book the biometrics appointment."),
        )
    if action == "confirm_permit":
        return _simple(
            request,
            application,
            lambda: review.application_permit_confirm(application_id=application.pk, actor=request.user),
            _("The permit is confirmed: it is now the permit on record."),
        )
    if action == "issue_api":
        return _issue_api_now(request, application)
    if action == E.ASSIGN:
        form = AssignForm(request.POST, prefecture=application.prefecture)
        if not form.is_valid():
            raise Http404
        return _simple(
            request,
            application,
            lambda: review.application_assign(
                application_id=application.pk, assignee=form.cleaned_data["assignee"], actor=request.user
            ),
            _("Assignment saved."),
        )
    if action not in ACTIONS:
        raise Http404
    form_class, call, success = ACTIONS[action]
    form = form_class(request.POST, **_form_kwargs(form_class, application))
    if form.is_valid():
        try:
            call(application, request.user, form)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return _after_the_action(request, reference)
    application.refresh_from_db()
    context = case_page(user=request.user, application=application)
    context.update(forms=_forms(application, bound={action: form}), open_action=action)
    return render(request, "backoffice/case.html", context, status=400)


def _issue_api_now(request, application):
    """After a failed automatic issuance, a supervisor issues the API now (same rules as the sweep)."""
    if request.user.role not in SUPERVISORS:
        raise Http404
    today = timezone.localdate()
    try:
        document = issue_one_api(application.pk, today, actor=request.user)
    except Exception as exc:  # noqa: BLE001 - recorded as in the sweep; the supervisor is told
        logger.exception("API issuance failed for application %s", application.pk)
        api_failure_record(application.pk, today, exc)
        messages.error(
            request,
            _("The API could not be issued. The failure is recorded; try again later or tell the technical team."),
        )
    else:
        if document is None:
            messages.info(request, _("No API is due for this file now."))
        else:
            messages.success(request, _("API n° %(number)s issued.") % {"number": document.number})
    return redirect("backoffice:supervision")


def _after_the_action(request, reference):
    """Back to the file, unless it has left this agent's prefecture (a transfer, or a file restored
    after the person moved): then to the queue, saying where it went."""
    if applications_for_agent(agent=request.user).filter(reference=reference).exists():
        return redirect("backoffice:case", reference=reference)
    messages.info(
        request,
        _("File %(ref)s is now handled by another prefecture: it has left your queue.") % {"ref": reference},
    )
    return redirect("backoffice:queue")


def _simple(request, application, call, success):
    try:
        call()
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("backoffice:case", reference=application.reference)


@staff_required
@require_POST
def verdict(request, reference, document_id):
    application = application_for_staff(user=request.user, reference=reference)
    doc = document_for_staff(application=application, document_id=document_id)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accepted or rejected."))
        return redirect("backoffice:case", reference=reference)
    return _simple(
        request,
        application,
        lambda: document_services.document_verdict_set(
            document_id=doc.pk,
            actor=request.user,
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
        ),
        _("The verdict on the document is saved."),
    )
