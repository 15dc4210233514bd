"""The applicant's space. Views hold no business rule: they call services and selectors."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from anef.accounts.constants import Role
from anef.accounts.forms import ProfileForm
from anef.accounts.services import PROFILE_FIELDS, person_update
from anef.applications import services
from anef.applications.access import application_for_user, applications_for_applicant, profile_editable_by
from anef.applications.errors import IncompleteApplication
from anef.applications.models import Application
from anef.applications.selectors import (
    applicable_documents,
    applicable_fields,
    applicant_timeline,
    current_documents,
    last_decision_event,
    may_be_appealed,
    missing_items,
    open_information_request,
)
from anef.applications.workflow import OPEN_STATES, TRANSITIONS, EventKind, State
from anef.appointments.models import Booking, Invitation, Slot, WaitlistEntry
from anef.appointments.services import (
    booking_book,
    booking_cancel,
    booking_reschedule,
    free_slots,
    waitlist_accept,
    waitlist_join,
)
from anef.assistance.models import Mandate
from anef.assistance.services import mandate_answer, mandate_grant, mandate_record_use, mandate_revoke
from anef.certificates.models import IssuedDocument
from anef.certificates.selectors import documents_for_person
from anef.certificates.services import document_render_pdf
from anef.core.errors import UserError
from anef.core.http import erased_file_response, posted_id, private_file_response, user_file_response, wants_inline
from anef.core.throttle import FailureLimit, any_reached, record_all
from anef.documents.selectors import document_for_user
from anef.documents.services import UPLOAD_STATES, document_upload
from anef.messaging.forms import MessageForm
from anef.messaging.models import Side
from anef.messaging.selectors import attachment_in, thread, unread_counts
from anef.messaging.services import messages_mark_read
from anef.notifications.models import Notification
from anef.notifications.services import notifications_mark_read
from anef.procedures.models import Procedure
from anef.procedures.presenters import answer_rows
from anef.sharing.models import Purpose, ShareCode
from anef.sharing.rights import right_for
from anef.sharing.services import share_code_create, share_code_revoke
from anef.transparency.constants import INQUIRY_ANSWER_DAYS
from anef.transparency.inquiries import inquiry_refusal, inquiry_send
from anef.transparency.selectors import waiting_measure

from .forms import AnswerForm, AnswersForm, EligibilityForm, InquiryForm, UploadForm, WithdrawForm
from .presenters import application_steps, estimated_decision_date


def _person(request):
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person


def _draft_or_redirect(request, application):
    if application.state != State.DRAFT:
        messages.info(request, _("This application is filed: it can no longer be changed from this page."))
        return redirect("portal:application", reference=application.reference)
    return None


@login_required
def dashboard(request):
    person = _person(request)
    applications = list(applications_for_applicant(user=request.user).order_by("-updated_at"))
    unread = unread_counts(applications_for_applicant(user=request.user), reader_side=Side.APPLICANT)
    for application in applications:
        application.unread = unread.get(application.pk, 0)
    open_apps = [a for a in applications if a.state in OPEN_STATES]
    closed_apps = [a for a in applications if a.state not in OPEN_STATES]
    return render(
        request,
        "portal/dashboard.html",
        {
            "person": person,
            "open_applications": open_apps,
            "closed_applications": closed_apps,
            "profile_missing": person.missing_profile_fields(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    person = _person(request)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=person)
    # The form never saves by itself: the service is the only writer.
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        person_update(person_id=person.pk, actor=request.user, **values)
        messages.success(request, _("Your profile is saved."))
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("portal:dashboard")
        return redirect(target)
    return render(request, "portal/profile.html", {"form": form})


@login_required
@ratelimit(key="user", rate="10/h", method="GET", block=False)
def data_export(request):
    """All the data we hold about the signed-in person, as one ZIP (SPEC §10)."""
    from django.http import HttpResponse

    from anef.portal.export import person_data_archive

    person = _person(request)
    if getattr(request, "limited", False):
        messages.error(request, _("You downloaded your data several times this hour. Try again later."))
        return redirect("portal:profile")
    response = HttpResponse(person_data_archive(person=person), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="anef-{timezone.localdate():%Y-%m-%d}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


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
@require_POST
def application_start(request, code):
    person = _person(request)
    procedure = get_object_or_404(Procedure, code=code, active=True)
    application = services.application_create(person=person, procedure=procedure, actor=request.user)
    first_step = "portal:eligibility" if procedure.questions else "portal:form"
    return redirect(first_step, reference=application.reference)


@login_required
def application_detail(request, reference):
    application = application_for_user(user=request.user, reference=reference)
    if request.user.role == Role.HELPER:
        mandate_record_use(helper=request.user, application=application)
    return _application_page(request, application)


def _application_page(request, application, inquiry_form=None, status=200):
    documents = current_documents(application)
    waiting = waiting_measure(application)
    inquiries = list(application.inquiries.all())
    appeals = list(application.appeals.all()) if application.state == State.REFUSED else []
    return render(
        request,
        "portal/application_detail.html",
        {
            "application": application,
            "procedure": application.procedure,
            "events": applicant_timeline(application=application),
            "open_request": open_information_request(application),
            "answer_form": AnswerForm(),
            "decision": last_decision_event(application),
            "invitations": application.invitations.filter(status="open"),
            "bookings": application.bookings.filter(status="booked").select_related("slot__site"),
            "unread": unread_counts(Application.objects.filter(pk=application.pk), reader_side=Side.APPLICANT).get(
                application.pk, 0
            ),
            "answers": answer_rows(application.procedure, application.answers),
            "documents": [(d, documents.get(d["code"])) for d in applicable_documents(application)],
            "can_withdraw": application.state in TRANSITIONS[EventKind.WITHDRAW].sources,
            "can_reopen": application.state in TRANSITIONS[EventKind.REOPEN].sources,
            "can_upload": application.state in UPLOAD_STATES and application.state != State.DRAFT,
            "estimated_decision": estimated_decision_date(application),
            "waiting": waiting,
            "inquiries": inquiries,
            "inquiry_refusal": inquiry_refusal(application, waiting=waiting, inquiries=inquiries) if waiting else "",
            "inquiry_form": inquiry_form or InquiryForm(),
            "inquiry_answer_days": INQUIRY_ANSWER_DAYS,
            "appeals": appeals,
            "can_appeal": may_be_appealed(application, appeals),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_eligibility(request, reference):
    application = application_for_user(user=request.user, reference=reference)
    if (response := _draft_or_redirect(request, application)) is not None:
        return response
    form = EligibilityForm(
        request.POST if request.method == "POST" else None,
        procedure=application.procedure,
        initial_answers=application.eligibility,
    )
    if request.method == "POST" and form.is_valid():
        services.application_save_eligibility(application_id=application.pk, answers=form.answers(), actor=request.user)
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
    if (response := _draft_or_redirect(request, application)) is not None:
        return response
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        procedure=application.procedure,
        initial_answers=application.answers,
    )
    if request.method == "POST" and form.is_valid():
        services.application_save_answers(application_id=application.pk, answers=form.answers(), actor=request.user)
        if "save_and_leave" in request.POST:
            messages.success(request, _("Your draft is saved. You can come back to it at any time."))
            return redirect("portal:dashboard")
        return redirect("portal:documents", reference=reference)
    return render(
        request,
        "portal/step_form.html",
        {"application": application, "form": form, "steps": application_steps(application, "form")},
    )


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
        code = request.POST.get("requirement", "")
        form = UploadForm(request.POST, request.FILES, needs_reason=needs_reason)
        if code not in {r["code"] for r in requirements}:
            raise Http404
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
            messages.success(request, _("Your application is submitted. Its filing date is recorded."))
            return redirect("portal:application", reference=reference)
        application.refresh_from_db()
    if (response := _draft_or_redirect(request, application)) is not None:
        return response
    documents = current_documents(application)
    return render(
        request,
        "portal/step_review.html",
        {
            "application": application,
            "procedure": application.procedure,
            "answers": answer_rows(application.procedure, application.answers),
            "documents": [(d, documents.get(d["code"])) for d in applicable_documents(application)],
            "missing": missing_items(application),
            "steps": application_steps(application, "review"),
            "fields": applicable_fields(application),
        },
        status=400 if request.method == "POST" else 200,
    )


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
    if application.state not in TRANSITIONS[EventKind.WITHDRAW].sources:
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect("portal:application", reference=reference)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application_id=application.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect("portal:application", reference=reference)
    return render(
        request,
        "portal/withdraw.html",
        {"application": application, "form": form},
        status=400 if form.errors else 200,
    )


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
                % {"date": inquiry.answer_due_on.strftime("%d/%m/%Y")},
            )
            return redirect("portal:application", reference=reference)
    return _application_page(request, application, inquiry_form=form, status=400)


@login_required
def notifications(request):
    person = _person(request)
    items = list(Notification.objects.filter(person=person).select_related("application", "print_run")[:200])
    notifications_mark_read(person=person)
    return render(request, "portal/notifications.html", {"notifications": items})


@login_required
@require_http_methods(["GET", "POST"])
def application_messages(request, reference):
    """The thread with the prefecture: read it (which sets read receipts), write, attach a file."""
    application = application_for_user(user=request.user, reference=reference)
    form = MessageForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.send(application=application, actor=request.user):
        messages.success(request, _("Your message is sent to the prefecture."))
        return redirect("portal:messages", reference=reference)
    messages_mark_read(application_id=application.pk, reader_side=Side.APPLICANT)
    return render(
        request,
        "portal/messages.html",
        {"application": application, "thread": thread(application=application), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def message_attachment(request, attachment_id):
    attachment = attachment_in(applications=applications_for_applicant(user=request.user), attachment_id=attachment_id)
    if attachment.erased_at:
        return erased_file_response(
            request,
            name=attachment.original_name,
            erased_at=attachment.erased_at,
            back_url=reverse("portal:messages", args=[attachment.message.application.reference]),
        )
    return user_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name,
        inline=wants_inline(request),
    )


@login_required
def issued_documents(request):
    person = _person(request)
    return render(request, "portal/documents.html", {"documents": documents_for_person(person)})


@login_required
def issued_document_pdf(request, number):
    person = _person(request)
    document = get_object_or_404(IssuedDocument, number=number, person=person)
    document = document_render_pdf(document_id=document.pk)
    return private_file_response(document.pdf, content_type="application/pdf", filename=f"{document.number}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def sharing(request):
    """The holder's share codes: create one for a purpose (after seeing what the verifier will see),
    revoke one, and see every check."""
    person = _person(request)
    if request.method == "POST":
        if "revoke" in request.POST:
            code = get_object_or_404(ShareCode, pk=posted_id(request, "revoke"), person=person)
            share_code_revoke(share_code=code)
            messages.success(request, _("The code is revoked: it no longer works."))
        else:
            try:
                code = share_code_create(person=person, purpose=request.POST.get("purpose", ""))
            except UserError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("Your code is %(code)s. Give it with your date of birth.") % {"code": code.display}
                )
        return redirect("portal:sharing")
    previews = []
    for value, label in Purpose.choices:
        status = right_for(person, value)
        previews.append(
            {
                "value": value,
                "label": label,
                "result": {
                    "name": person.full_name,
                    "holds": status.holds,
                    "until": status.until.isoformat() if status.until else None,
                    "renewal_pending": status.renewal_pending,
                    "check_again_on": status.check_again_on.isoformat() if status.check_again_on else None,
                },
            }
        )
    codes = ShareCode.objects.filter(person=person).prefetch_related("checks")
    return render(request, "portal/sharing.html", {"codes": codes, "previews": previews, "now": timezone.now()})


def _not_before(request):
    """Slots from the day the person asks for (?from=YYYY-MM-DD), else the earliest."""
    from datetime import date, datetime, time

    try:
        day = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
@ratelimit(key="user", rate="30/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def booking(request, token):
    """Book with an invitation: the link is bound to one file and answers 404 to anyone else."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("application__procedure"),
        token=token,
        application__in=applications_for_applicant(user=request.user),
    )
    application = invitation.application
    error = None
    if request.method == "POST":
        if getattr(request, "limited", False):
            error = _("Too many attempts. Wait a minute.")
        else:
            try:
                booking_book(token=token, slot_id=int(request.POST.get("slot", "0")), actor=request.user)
            except (UserError, Slot.DoesNotExist, ValueError) as exc:
                error = getattr(exc, "message", _("Choose one of the slots below."))
            else:
                messages.success(request, _("Your appointment is booked. The confirmation says what to bring."))
                return redirect("portal:application", reference=application.reference)
    not_before = _not_before(request)
    slots = (
        list(free_slots(application=application, kind=invitation.kind, not_before=not_before))
        if invitation.status == "open"
        else []
    )
    return render(
        request,
        "portal/booking.html",
        {"invitation": invitation, "application": application, "slots": slots, "error": error},
        status=409 if error else 200,
    )


@login_required
@ratelimit(key="user", rate="30/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def booking_manage(request, booking_id):
    booking = get_object_or_404(
        Booking.objects.select_related("slot__site", "application"),
        pk=booking_id,
        application__in=applications_for_applicant(user=request.user),
        status="booked",
    )
    error = None
    if request.method == "POST" and not getattr(request, "limited", False):
        try:
            if "cancel" in request.POST:
                booking_cancel(booking_id=booking.pk, actor=request.user)
                messages.success(request, _("Your appointment is cancelled. You can book another one."))
            else:
                booking_reschedule(
                    booking_id=booking.pk, slot_id=int(request.POST.get("slot", "0")), actor=request.user
                )
                messages.success(request, _("Your appointment is changed."))
        except (UserError, Slot.DoesNotExist, ValueError) as exc:
            error = getattr(exc, "message", _("Choose one of the slots below."))
        else:
            return redirect("portal:application", reference=booking.application.reference)
    slots = list(free_slots(application=booking.application, kind=booking.kind, not_before=_not_before(request)))
    return render(
        request,
        "portal/booking_manage.html",
        {"booking": booking, "application": booking.application, "slots": slots, "error": error},
        status=409 if error else 200,
    )


@login_required
@require_POST
def waitlist(request, booking_id):
    booking = get_object_or_404(
        Booking, pk=booking_id, application__in=applications_for_applicant(user=request.user), status="booked"
    )
    waitlist_join(booking_id=booking.pk, actor=request.user)
    messages.success(request, _("You are on the waiting list: if an earlier slot frees up, we offer it to you."))
    return redirect("portal:application", reference=booking.application.reference)


@login_required
@require_http_methods(["GET", "POST"])
def offer(request, offer_token):
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("offered_slot__site", "booking__slot", "booking__application"),
        offer_token=offer_token,
        active=True,
        booking__application__in=applications_for_applicant(user=request.user),
    )
    error = None
    if request.method == "POST":
        try:
            waitlist_accept(token=offer_token, actor=request.user)
        except UserError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your appointment is moved to the earlier slot."))
            return redirect("portal:application", reference=entry.booking.application.reference)
    return render(
        request,
        "portal/offer.html",
        {"entry": entry, "application": entry.booking.application, "error": error},
        status=409 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def helpers(request):
    """The applicant gives a helper a mandate (all or chosen applications, until a date) or revokes one."""
    person = _person(request)
    if request.method == "POST":
        if "revoke" in request.POST:
            mandate = get_object_or_404(Mandate, pk=posted_id(request, "revoke"), person=person)
            mandate_revoke(mandate=mandate, actor=request.user)
            messages.success(request, _("The mandate is revoked: the helper no longer sees your applications."))
            return redirect("portal:helpers")
        for answer in ("agree", "refuse"):
            if answer in request.POST:
                try:
                    mandate_answer(person=person, mandate_id=posted_id(request, answer), agree=answer == "agree")
                except UserError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(
                        request,
                        _("The helper can now act for you, and you see everything they do.")
                        if answer == "agree"
                        else _("You refused the mandate: the helper sees nothing of your applications."),
                    )
                return redirect("portal:helpers")
        chosen = person.applications.filter(reference__in=request.POST.getlist("applications"))
        try:
            from datetime import date

            ends_on = date.fromisoformat(request.POST.get("ends_on", ""))
            mandate_grant(
                person=person,
                helper_email=request.POST.get("helper_email", ""),
                ends_on=ends_on,
                applications=list(chosen),
            )
        except ValueError:
            messages.error(request, _("Give the date until which the mandate is valid."))
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The helper can now act for you, and you see everything they do."))
        return redirect("portal:helpers")
    return render(
        request,
        "portal/helpers.html",
        {
            "mandates": Mandate.objects.filter(person=person, confirmed_at__isnull=False).select_related(
                "helper", "structure"
            ),
            "awaiting": Mandate.objects.filter(person=person)
            .awaiting_confirmation()
            .select_related("helper", "structure"),
            "applications": person.applications.exclude(state__in=["withdrawn"]).select_related("procedure"),
            "default_end": timezone.localdate() + timedelta(days=180),
            "today": timezone.localdate(),
        },
    )


# Wrong claim codes or dates of birth: per client, per account, and per client and code. The code is
# never locked, so the person it was printed for can always use it from their own connection.
CLAIM_FAILURES_PER_CLIENT = FailureLimit("claim-client", "10/h")
CLAIM_FAILURES_PER_ACCOUNT = FailureLimit("claim-account", "10/h", per_client=False)  # the guesser's own account
CLAIM_FAILURES_PER_CODE = FailureLimit("claim-target", "5/h")


@login_required
@require_http_methods(["GET", "POST"])
def claim(request):
    """Attach the files registered at a counter to this account, with the code given on paper."""
    from datetime import date

    from anef.accounts.services import person_claim

    error, status = None, 200
    typed = {"code": request.POST.get("code", "")[:40], "birth_date": request.POST.get("birth_date", "")[:10]}
    if request.method == "POST":
        code = "".join(ch for ch in typed["code"].upper() if ch.isalnum())
        limits = [
            (CLAIM_FAILURES_PER_CLIENT, ""),
            (CLAIM_FAILURES_PER_ACCOUNT, f"account:{request.user.pk}"),
            (CLAIM_FAILURES_PER_CODE, code),
        ]
        if any_reached(request, limits):
            error, status = _("Too many wrong codes or dates of birth. Wait an hour and try again."), 429
        else:
            try:
                person_claim(
                    user=request.user, claim_code=typed["code"], birth_date=date.fromisoformat(typed["birth_date"])
                )
            except ValueError:
                error, status = _("Give the date of birth."), 400
            except UserError as exc:
                error, status = exc.message, 400
                record_all(request, limits)
            else:
                messages.success(request, _("Your files registered at the counter are now in your space."))
                return redirect("portal:dashboard")
    return render(request, "portal/claim.html", {"error": error, "typed": typed}, status=status)
