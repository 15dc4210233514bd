"""The prefecture's back office. Views call services and selectors; the workflow table decides."""

import logging
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.applications import review
from anef.applications.access import actor_kind, application_for_staff, applications_for_agent
from anef.applications.models import StaffRead
from anef.applications.selectors import (
    applicable_documents,
    application_timeline,
    current_documents,
    open_information_request,
)
from anef.applications.workflow import PENDING_DECISION_STATES, Actor, EventKind, State, allowed_events
from anef.core.errors import UserError
from anef.core.http import erased_file_response, posted_id, private_file_response, user_file_response, wants_inline
from anef.documents import services as document_services
from anef.documents.constants import ScanStatus
from anef.documents.selectors import document_for_staff
from anef.messaging.models import Side
from anef.messaging.selectors import threads_waiting_for_staff, unread_counts
from anef.procedures.presenters import answer_rows
from anef.transparency.inquiries import inquiries_waiting, inquiry_answer, inquiry_refusal, inquiry_send, open_inquiry

from .access import staff_required, supervisor_required
from .filters import QueueFilter
from .forms import (
    AcceptForm,
    AssignForm,
    CloseForm,
    CounterInquiryForm,
    InquiryAnswerForm,
    NoteForm,
    RefuseForm,
    RequestInformationForm,
    TransferForm,
    VerdictForm,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
IDLE_DAYS = 15


@staff_required
def queue(request):
    base = applications_for_agent(agent=request.user).select_related("person", "procedure", "assigned_to")
    filterset = QueueFilter(request.GET or None, queryset=base, agent=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = unread_counts(base.filter(pk__in=[a.pk for a in page]), reader_side=Side.PREFECTURE)
    for application in page:
        application.unread = unread.get(application.pk, 0)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/queue.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "now": timezone.now()},
    )


def _case_context(request, application, forms=None):
    actor = actor_kind(user=request.user, application=application)
    events = allowed_events(application.state, actor) if actor else []
    documents = current_documents(application)
    rows = []
    for requirement in applicable_documents(application):
        document = documents.get(requirement["code"])
        rows.append({"requirement": requirement, "document": document})
    history = list(application_timeline(application=application))
    forms = forms or {}
    context = {
        "application": application,
        "person": application.person,
        "procedure": application.procedure,
        "answers": answer_rows(application.procedure, application.answers),
        "documents": rows,
        "superseded": [d for d in application.uploaded_documents.all() if d.superseded_at is not None],
        "events": history,
        "notes": application.notes.select_related("author"),
        "open_request": open_information_request(application),
        "inquiry": open_inquiry(application),
        "can_send_inquiry": actor == Actor.COUNTER
        and application.person.user_id is None
        and not inquiry_refusal(application),
        "can": {event.value: True for event in events},
        "is_agent": actor == "agent",
        "can_verdict": actor == "agent" and application.state in PENDING_DECISION_STATES,
        "forms": {
            "request_information": forms.get("request_information") or RequestInformationForm(),
            "accept": forms.get("accept") or AcceptForm(),
            "refuse": forms.get("refuse") or RefuseForm(),
            "close": forms.get("close") or CloseForm(),
            "transfer": forms.get("transfer") or TransferForm(current=application.prefecture),
            "note": forms.get("note") or NoteForm(),
            "answer_inquiry": forms.get("answer_inquiry") or InquiryAnswerForm(),
            "send_inquiry": forms.get("send_inquiry") or CounterInquiryForm(),
            "assign": AssignForm(prefecture=application.prefecture, initial={"assignee": application.assigned_to_id}),
            "verdict": VerdictForm(),
        },
        "is_supervisor": request.user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        "issued": application.issued_documents.all(),
        "biometrics": _biometrics_status(application),
        "unread": unread_counts(
            applications_for_agent(agent=request.user).filter(pk=application.pk), reader_side=Side.PREFECTURE
        ).get(application.pk, 0),
    }
    return context


def _biometrics_status(application) -> dict | None:
    """Where the fingerprints and photo stand, for procedures that take them (the card waits)."""
    if not application.procedure.biometrics or application.state == State.DRAFT:
        return None
    from anef.appointments.constants import BookingStatus, Kind

    bookings = application.bookings.filter(kind=Kind.BIOMETRICS).select_related("slot__site")
    attended = next((b for b in bookings if b.status == BookingStatus.ATTENDED), None)
    booked = next((b for b in bookings if b.status == BookingStatus.BOOKED), None)
    invited = application.invitations.filter(kind=Kind.BIOMETRICS, status="open").exists()
    return {"attended": attended, "booked": booked, "invited": invited}


@staff_required
def case(request, reference):
    application = application_for_staff(user=request.user, reference=reference)
    StaffRead.objects.create(actor=request.user, application=application, kind=StaffRead.Kind.CASE)
    return render(request, "backoffice/case.html", _case_context(request, application))


@staff_required
def document(request, reference, document_id):
    application = application_for_staff(user=request.user, reference=reference)
    doc = document_for_staff(application=application, document_id=document_id)
    if doc.erased_at:  # nothing left to read: no read to log
        return erased_file_response(
            request,
            name=doc.original_name,
            erased_at=doc.erased_at,
            back_url=reverse("backoffice:case", args=[application.reference]),
        )
    StaffRead.objects.create(actor=request.user, application=application, document=doc, kind=StaffRead.Kind.DOCUMENT)
    return user_file_response(
        doc.file, content_type=doc.content_type, filename=doc.original_name, inline=wants_inline(request)
    )


ACTIONS = {
    # action name: (form class, service call)
    "request_information": (
        RequestInformationForm,
        lambda app, user, form: review.application_request_information(
            application_id=app.pk,
            actor=user,
            items=form.item_list(),
            message=form.cleaned_data["message"],
            deadline=form.cleaned_data["deadline"],
        ),
        _("The request is sent. The file waits for the applicant."),
    ),
    "accept": (
        AcceptForm,
        lambda app, user, form: review.application_accept(
            application_id=app.pk, actor=user, comment=form.cleaned_data["comment"]
        ),
        _("The application is accepted."),
    ),
    "refuse": (
        RefuseForm,
        lambda app, user, form: review.application_refuse(
            application_id=app.pk, actor=user, ground=form.cleaned_data["ground"], text=form.cleaned_data["text"]
        ),
        _("The application is refused. The applicant can read the grounds and how to appeal."),
    ),
    "close": (
        CloseForm,
        lambda app, user, form: review.application_close(
            application_id=app.pk,
            actor=user,
            reason_code=form.cleaned_data["reason_code"],
            text=form.cleaned_data["text"],
        ),
        _("The file is closed."),
    ),
    "transfer": (
        TransferForm,
        lambda app, user, form: review.application_transfer(
            application_id=app.pk, to=form.cleaned_data["prefecture"], actor=user, reason=form.cleaned_data["reason"]
        ),
        _("The file is transferred with its history."),
    ),
    "send_inquiry": (
        # At the counter, for a person without an online account (the service checks it).
        CounterInquiryForm,
        lambda app, user, form: inquiry_send(application_id=app.pk, actor=user, text=form.cleaned_data["text"]),
        _("The inquiry is sent. The person will receive the answer by post."),
    ),
    "answer_inquiry": (
        InquiryAnswerForm,
        lambda app, user, form: inquiry_answer(application_id=app.pk, actor=user, text=form.cleaned_data["text"]),
        _("The answer is sent to the applicant."),
    ),
    "note": (
        NoteForm,
        lambda app, user, form: review.note_add(application_id=app.pk, actor=user, text=form.cleaned_data["text"]),
        _("The note is saved."),
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
    if action == "start_review":
        return _simple(
            request,
            application,
            lambda: review.application_start_review(application_id=application.pk, actor=request.user),
            _("Review started."),
        )
    if action in ("order_card", "mark_card_ready"):
        return _simple(
            request,
            application,
            lambda: review.application_card_step(
                application_id=application.pk, event=EventKind(action), actor=request.user
            ),
            _("The card is ordered.") if action == "order_card" else _("The card is ready: the person is invited."),
        )
    if action == "invite_biometrics":
        from anef.appointments.services import biometrics_invite

        return _simple(
            request,
            application,
            lambda: biometrics_invite(application_id=application.pk, actor=request.user),
            _("The person is invited to book the biometrics appointment."),
        )
    if action == "issue_api":
        return _issue_api_now(request, application)
    if action == "assign":
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
    form = (
        form_class(request.POST, current=application.prefecture)
        if form_class is TransferForm
        else form_class(request.POST)
    )
    if form.is_valid():
        try:
            call(application, request.user, form)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect("backoffice:case", reference=reference)
    application.refresh_from_db()
    context = _case_context(request, application, forms={action: form})
    context["open_action"] = action
    return render(request, "backoffice/case.html", context, status=400)


def _issue_api_now(request, application):
    """After a failed automatic issuance, a supervisor issues the API now (same rules as the sweep)."""
    from anef.certificates.sweeps import api_failure_record, issue_one_api

    if request.user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
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


@supervisor_required
def supervision(request):
    applications = applications_for_agent(agent=request.user)
    now = timezone.now()
    pending = applications.filter(state__in=PENDING_DECISION_STATES)
    by_state = (
        pending.values("state")
        .annotate(
            total=Count("pk"),
            over_30=Count("pk", filter=Q(filed_at__lte=now - timedelta(days=30))),
            over_90=Count("pk", filter=Q(filed_at__lte=now - timedelta(days=90))),
            oldest=Min("filed_at"),
        )
        .order_by("state")
    )
    labels = dict(State.choices)
    idle = (
        pending.filter(state_changed_at__lte=now - timedelta(days=IDLE_DAYS))
        .select_related("person", "procedure", "assigned_to")
        .order_by("state_changed_at")[:50]
    )
    unassigned = (
        pending.filter(assigned_to__isnull=True).select_related("person", "procedure").order_by("filed_at")[:50]
    )
    expiring = (
        pending.filter(
            procedure__renewal=True,
            permit_expires_on_at_filing__lte=timezone.localdate() + timedelta(days=30),
        )
        .select_related("person", "procedure")
        .order_by("permit_expires_on_at_filing")[:50]
    )
    load = (
        User.objects.filter(prefecture_id=request.user.prefecture_id, role__in=[Role.CASE_AGENT, Role.SUPERVISOR])
        .annotate(
            open_files=Count(
                "assigned_applications", filter=Q(assigned_applications__state__in=PENDING_DECISION_STATES)
            ),
            last_activity=Max("assigned_applications__updated_at"),
        )
        .order_by("-open_files")
    )
    waiting_threads = threads_waiting_for_staff(applications).select_related("person", "procedure")[:50]
    from anef.appointments.models import Booking

    unrecorded = (
        Booking.objects.filter(application__in=applications, flagged_at__isnull=False, status="booked")
        .select_related("slot__site", "application__person")
        .order_by("slot__starts_at")[:50]
    )
    from anef.certificates.sweeps import apis_failing

    return render(
        request,
        "backoffice/supervision.html",
        {
            "api_failures": list(apis_failing(applications, timezone.localdate())[:50]),
            "waiting_threads": waiting_threads,
            "inquiries": list(inquiries_waiting(prefecture_id=request.user.prefecture_id)[:50]),
            "today": timezone.localdate(),
            "unrecorded": unrecorded,
            "by_state": [{**row, "label": labels[row["state"]]} for row in by_state],
            "idle": idle,
            "idle_days": IDLE_DAYS,
            "unassigned": unassigned,
            "expiring": expiring,
            "load": load,
            "now": now,
        },
    )


@supervisor_required
def reads(request):
    applications = applications_for_agent(agent=request.user)
    log = StaffRead.objects.filter(application__in=applications).select_related("actor", "application", "document")
    reference = request.GET.get("reference", "").strip()
    if reference:
        log = log.filter(application__reference__iexact=reference)
    page = Paginator(log, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/reads.html", {"page": page, "reference": reference})


@supervisor_required
def failures(request):
    """What background work could not do: failed notifications (of the viewer's prefecture) and,
    for administrators, failed tasks with their error. Each can be retried."""
    from django_q.models import Failure

    from anef.core.tasks import failed_task_retry
    from anef.notifications.constants import NotificationState
    from anef.notifications.models import Notification
    from anef.notifications.services import notification_retry

    notifications = Notification.objects.filter(state__in=[NotificationState.FAILED, NotificationState.RETRYING])
    if request.user.role != Role.ADMINISTRATOR:
        notifications = notifications.filter(application__prefecture_id=request.user.prefecture_id)
    if request.method == "POST":
        if "notification" in request.POST:
            target = get_object_or_404(notifications, pk=posted_id(request, "notification"))
            notification_retry(notification_id=target.pk, actor=request.user)
            messages.success(request, _("The notification will be sent again."))
        elif (
            "task" in request.POST
            and request.user.role == Role.ADMINISTRATOR
            and failed_task_retry(task_id=request.POST["task"])
        ):
            messages.success(request, _("The task is back in the queue."))
        return redirect("backoffice:failures")
    tasks = Failure.objects.order_by("-stopped")[:100] if request.user.role == Role.ADMINISTRATOR else []
    return render(
        request,
        "backoffice/failures.html",
        {"notifications": notifications.select_related("person", "application")[:200], "tasks": tasks},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def case_messages(request, reference):
    from anef.messaging.forms import MessageForm
    from anef.messaging.models import MessageTemplate, Side
    from anef.messaging.selectors import thread
    from anef.messaging.services import messages_mark_read

    application = application_for_staff(user=request.user, reference=reference)
    StaffRead.objects.create(actor=request.user, application=application, kind=StaffRead.Kind.CASE)
    templates = MessageTemplate.objects.filter(Q(procedure=application.procedure) | Q(procedure__isnull=True))
    initial = {}
    chosen = request.GET.get("template")
    if chosen:
        template = templates.filter(pk=chosen).first()
        if template is not None:
            initial["body"] = template.body_for(application.person.preferred_language)
    form = MessageForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    if request.method == "POST" and form.send(application=application, actor=request.user):
        messages.success(request, _("The message is sent; the applicant is notified."))
        return redirect("backoffice:messages", reference=reference)
    messages_mark_read(application_id=application.pk, reader_side=Side.PREFECTURE)
    return render(
        request,
        "backoffice/messages.html",
        {
            "application": application,
            "thread": thread(application=application),
            "form": form,
            "templates": templates,
            "staff_view": True,
            "show_staff_names": True,
        },
        status=400 if form.errors else 200,
    )


@staff_required
def message_attachment(request, reference, attachment_id):
    from anef.messaging.selectors import attachment_in

    application = application_for_staff(user=request.user, reference=reference)
    attachment = attachment_in(
        applications=applications_for_agent(agent=request.user).filter(pk=application.pk), attachment_id=attachment_id
    )
    if attachment.erased_at:
        return erased_file_response(
            request,
            name=attachment.original_name,
            erased_at=attachment.erased_at,
            back_url=reverse("backoffice:messages", args=[application.reference]),
        )
    if attachment.scan_status != ScanStatus.CLEAN:  # never shown to staff until a scanner found it clean
        raise Http404
    StaffRead.objects.create(actor=request.user, application=application, kind=StaffRead.Kind.DOCUMENT)
    return user_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name,
        inline=wants_inline(request),
    )


@staff_required
def counter_day(request):
    """The day at the counter: appointments of the prefecture's sites, to mark present, absent or excused."""
    from datetime import date as date_type

    from anef.appointments.models import Booking
    from anef.appointments.services import booking_mark

    if request.method == "POST":
        booking = get_object_or_404(
            Booking.objects.filter(application__in=applications_for_agent(agent=request.user)),
            pk=posted_id(request, "booking"),
        )
        try:
            booking_mark(booking_id=booking.pk, presence=request.POST.get("presence", ""), actor=request.user)
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Recorded."))
        return redirect(f"{request.path}?day={request.POST.get('day', '')}")
    try:
        day = date_type.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    bookings = (
        Booking.objects.filter(
            application__in=applications_for_agent(agent=request.user),
            slot__starts_at__gte=start,
            slot__starts_at__lt=start + timedelta(days=1),
        )
        .exclude(status="cancelled")
        .select_related("slot__site", "slot__counter", "application__person", "application__procedure")
        .order_by("slot__starts_at")
    )
    return render(
        request,
        "backoffice/counter_day.html",
        {"bookings": bookings, "day": day, "previous": day - timedelta(days=1), "next": day + timedelta(days=1)},
    )


@supervisor_required
@require_http_methods(["GET", "POST"])
def capacity(request):
    """Supervisors publish seats for a period and see how they are used."""
    from anef.appointments.constants import Kind
    from anef.appointments.models import Counter, Slot
    from anef.appointments.services import counter_block, slots_generate
    from anef.territory.models import Site

    sites = (
        Site.objects.all()
        if request.user.role == Role.ADMINISTRATOR
        else Site.objects.filter(prefecture_id=request.user.prefecture_id)
    )
    if request.method == "POST" and request.POST.get("action") == "block":
        from datetime import date as date_type

        try:
            counter = Counter.objects.get(pk=request.POST.get("counter"), site__in=sites)
            day = date_type.fromisoformat(request.POST.get("day", ""))
        except (Counter.DoesNotExist, ValueError):
            messages.error(request, _("Choose a counter and a day."))
        else:
            blocked, kept = counter_block(counter=counter, day=day)
            messages.success(
                request,
                _("%(blocked)s free slots blocked; %(kept)s booked ones kept: contact those people to move them.")
                % {"blocked": blocked, "kept": kept},
            )
        return redirect("backoffice:capacity")
    if request.method == "POST":
        from datetime import date as date_type

        try:
            site = sites.get(pk=request.POST.get("site"))
            kind = Kind(request.POST.get("kind"))
            start = date_type.fromisoformat(request.POST.get("start", ""))
            end = date_type.fromisoformat(request.POST.get("end", ""))
            if end < start or (end - start).days > 92:
                raise ValueError
        except (Site.DoesNotExist, ValueError):
            messages.error(request, _("Choose a site, a kind and a period of at most three months."))
        else:
            created = slots_generate(site=site, kind=kind, start=start, end=end)
            messages.success(request, _("%(count)s slots published.") % {"count": created})
        return redirect("backoffice:capacity")
    now = timezone.now()
    horizon = now + timedelta(days=30)
    usage = (
        Slot.objects.filter(site__in=sites, starts_at__range=(now, horizon))
        .values("site__name", "kind")
        .annotate(
            total=Count("pk"),
            blocked=Count("pk", filter=Q(blocked=True)),
            booked=Count("bookings", filter=~Q(bookings__status="cancelled")),
        )
        .order_by("site__name", "kind")
    )
    labels = dict(Kind.choices)
    return render(
        request,
        "backoffice/capacity.html",
        {
            "sites": sites,
            "kinds": Kind.choices,
            "usage": [{**row, "label": labels[row["kind"]]} for row in usage],
            "today": timezone.localdate(),
            "counters": Counter.objects.filter(site__in=sites).select_related("site"),
        },
    )


@staff_required(roles=frozenset({Role.COUNTER_AGENT}))
@require_http_methods(["GET", "POST"])
def counter_register(request):
    """Register an application for a person at the counter: no account, email or phone needed.
    Filings begun at this prefecture's counter and not yet submitted are listed, to finish them."""
    from anef.accounts.services import PROFILE_FIELDS
    from anef.applications import services as application_services
    from anef.applications.models import Application

    from .forms import CounterRegistrationForm

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
        Application.objects.filter(channel="counter", prefecture_id=request.user.prefecture_id, state=State.DRAFT)
        .select_related("person", "procedure", "created_by")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "backoffice/counter_register.html",
        {"form": form, "in_progress": in_progress},
        status=400 if form.errors else 200,
    )


@staff_required
def issued_document(request, reference, number):
    """An issued document's PDF, to print at the counter for a person without an account."""
    from anef.certificates.services import document_render_pdf

    application = application_for_staff(user=request.user, reference=reference)
    document = get_object_or_404(application.issued_documents, number=number)
    document = document_render_pdf(document_id=document.pk)
    StaffRead.objects.create(actor=request.user, application=application, kind=StaffRead.Kind.DOCUMENT)
    return private_file_response(document.pdf, content_type="application/pdf", filename=f"{document.number}.pdf")
