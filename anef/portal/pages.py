"""What the portal's pages show, one function per page: the views check access, parse the form, call
a service, then render one of these. What a user may do on a file comes from
`applications.access.allowed_events` and the apps' own rules (`may_be_appealed`, `may_ask`...),
never from the workflow table read here."""

from datetime import date, timedelta

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anef.applications.access import allowed_events, applications_for_applicant
from anef.applications.constants import RESTORE_WITHDRAWAL_DAYS
from anef.applications.models import Application
from anef.applications.selectors import (
    applicable_documents,
    applicable_fields,
    applicant_timeline,
    last_decision_event,
    may_be_appealed,
    missing_items,
)
from anef.applications.workflow import OPEN_STATES, EventKind, State
from anef.appointments.constants import OFFER_VALID_HOURS, BookingStatus
from anef.appointments.models import Invitation, WaitlistEntry
from anef.assistance.models import Mandate
from anef.certificates.constants import DocumentStatus, DocumentType
from anef.certificates.models import IssuedDocument
from anef.documents.services import UPLOAD_STATES
from anef.messaging.models import Side
from anef.messaging.selectors import unread_counts
from anef.procedures.presenters import answer_rows
from anef.sharing.models import Purpose, ShareCode
from anef.sharing.rights import right_for
from anef.transparency.constants import INQUIRY_ANSWER_DAYS
from anef.transparency.inquiries import inquiry_refusal, may_ask
from anef.transparency.selectors import waiting_measure

from .presenters import application_steps, estimated_decision_date

# The end date a new mandate's form suggests.
MANDATE_DEFAULT_DAYS = 180


def _actions(applications: list[Application]) -> dict[int, list[dict]]:
    """What each file waits for from the person, most pressing first, each with where it is done:
    answer a request, book an appointment, take an earlier slot offered, finish and submit a draft."""
    ids = [application.pk for application in applications]
    actions: dict[int, list[dict]] = {pk: [] for pk in ids}
    for application in applications:
        if application.state == State.AWAITING_APPLICANT:
            url = reverse("portal:application", args=[application.reference]) + "#request"
            actions[application.pk].append({"label": _("Answer the prefecture's request"), "url": url})
    for invitation in Invitation.objects.filter(application_id__in=ids, status=Invitation.Status.OPEN):
        actions[invitation.application_id].append(
            {
                "label": _("Book my appointment: %(kind)s") % {"kind": invitation.get_kind_display()},
                "url": reverse("portal:booking", args=[invitation.token]),
            }
        )
    offers = WaitlistEntry.objects.filter(
        booking__application_id__in=ids, active=True, offered_at__gt=timezone.now() - timedelta(hours=OFFER_VALID_HOURS)
    ).exclude(offer_token="")
    for entry in offers.select_related("booking"):
        url = reverse("portal:offer", args=[entry.offer_token])
        actions[entry.booking.application_id].append({"label": _("Take the earlier appointment offered"), "url": url})
    for application in applications:
        if application.state == State.DRAFT:
            step = "portal:eligibility" if application.procedure.questions else "portal:form"
            actions[application.pk].append(
                {"label": _("Finish and submit"), "url": reverse(step, args=[application.reference])}
            )
    return actions


def dashboard_page(*, user, person) -> dict:
    """The person's files: those waiting for them first (with what to do as a button), then the
    others, latest change first."""
    applications = list(applications_for_applicant(user=user).select_related("procedure").order_by("-updated_at"))
    unread = unread_counts(applications_for_applicant(user=user), reader_side=Side.APPLICANT)
    actions = _actions(applications)
    for application in applications:
        application.unread = unread.get(application.pk, 0)
        application.actions = actions[application.pk]
    open_applications = [a for a in applications if a.state in OPEN_STATES]
    return {
        "person": person,
        # An answer owed to the prefecture (it has a deadline) before the rest.
        "action_applications": sorted(
            (a for a in open_applications if a.actions), key=lambda a: a.state != State.AWAITING_APPLICANT
        ),
        "open_applications": [a for a in open_applications if not a.actions],
        "closed_applications": [a for a in applications if a.state not in OPEN_STATES],
        "profile_missing": person.missing_profile_fields(),
        "mandates_awaiting": Mandate.objects.filter(person=person).awaiting_confirmation().exists(),
    }


def _documents(application: Application) -> list[tuple[dict, object, list]]:
    """Each document the file needs, with the one sent for it (or None) and the versions it replaced,
    oldest first: a replaced file stays on the person's pages, marked as replaced."""
    documents, replaced = {}, {}
    for document in application.uploaded_documents.all():  # ordered by upload: one query
        if document.superseded_at is None:
            documents[document.requirement_code] = document
        else:
            replaced.setdefault(document.requirement_code, []).append(document)
    return [
        (requirement, documents.get(requirement["code"]), replaced.get(requirement["code"], []))
        for requirement in applicable_documents(application)
    ]


def _date_of(value) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def application_page(*, user, application: Application) -> dict:
    """The application's page, for the applicant, their helper under a mandate or the counter agent
    filing for them: where it stands, what they may do now, its history."""
    events = allowed_events(user=user, application=application)
    waiting = waiting_measure(application)
    inquiries = list(application.inquiries.all())
    appeals = list(application.appeals.all()) if application.state == State.REFUSED else []
    refusal = inquiry_refusal(application, waiting=waiting, inquiries=inquiries) if waiting else ""
    decision = last_decision_event(application)
    estimated = estimated_decision_date(application)
    # One read of the requests serves both the open one and the documents they ask for.
    prefetch_related_objects([application], "information_requests")
    open_request = next((r for r in application.information_requests.all() if r.answered_at is None), None)
    documents = _documents(application)
    return {
        "application": application,
        "procedure": application.procedure,
        "events": applicant_timeline(application=application),
        "open_request": open_request,
        # The documents the open request asks for outside the procedure's list: a slot each, in the request.
        "request_slots": [
            {"requirement": requirement, "document": document}
            for requirement, document, _replaced in documents
            if open_request is not None and requirement.get("requested") and requirement["request"] == open_request.pk
        ],
        "decision": decision,
        "appeal_until": _date_of(decision.payload.get("appeal_deadline") if decision else None),
        "invitations": application.invitations.filter(status=Invitation.Status.OPEN),
        "bookings": application.bookings.filter(status=BookingStatus.BOOKED).select_related("slot__site"),
        "unread": unread_counts(Application.objects.filter(pk=application.pk), reader_side=Side.APPLICANT).get(
            application.pk, 0
        ),
        "answers": answer_rows(application.procedure, application.answers),
        "documents": documents,
        # What the file produced (filing certificate, API, decision letters...), to download.
        "issued": application.issued_documents.order_by("created_at"),
        "is_draft": application.state == State.DRAFT,
        "can_withdraw": EventKind.WITHDRAW in events,
        "can_reopen": EventKind.REOPEN in events,
        "can_upload": application.state in UPLOAD_STATES and application.state != State.DRAFT,
        "estimated_decision": estimated,
        # Past the target time the page says so and points to the inquiry (or says when it opens).
        "decision_overdue": estimated is not None and estimated < timezone.localdate(),
        "inquiry_refusal": refusal,
        "waiting": waiting,
        "inquiries": inquiries,
        "can_inquire": waiting is not None and not refusal and may_ask(actor=user, application=application),
        "inquiry_answer_days": INQUIRY_ANSWER_DAYS,
        "appeals": appeals,
        "can_appeal": may_be_appealed(application, appeals),
    }


def withdraw_page(*, application: Application, form) -> dict:
    """The confirmation before a withdrawal: what stops with it, from when, and the way back."""
    today = timezone.localdate()
    return {
        "application": application,
        "form": form,
        "stops_on": today,
        # The provisional attestation this file gave stops with it (workflow: WITHDRAW ends the API).
        "apis": list(
            IssuedDocument.objects.filter(
                application=application, type=DocumentType.API, status=DocumentStatus.VALID, valid_until__gte=today
            ).order_by("valid_from")
        ),
        "restore_days": RESTORE_WITHDRAWAL_DAYS,
    }


def review_page(*, application: Application) -> dict:
    """The last step of a draft: everything it says, and what still prevents submitting it."""
    return {
        "application": application,
        "procedure": application.procedure,
        "answers": answer_rows(application.procedure, application.answers),
        "documents": _documents(application),
        "missing": missing_items(application),
        "steps": application_steps(application, "review"),
        "fields": applicable_fields(application),
    }


def submitted_page(*, application: Application) -> dict:
    """What the confirmation of a filing says: the number, the certificate of filing, what happens
    next and by when (the procedure's target time), where to follow it."""
    return {
        "application": application,
        "procedure": application.procedure,
        "filing_certificate": application.issued_documents.filter(type=DocumentType.ATTESTATION_DEPOT)
        .order_by("-created_at")
        .first(),
        "estimated_decision": estimated_decision_date(application),
        "biometrics": application.procedure.biometrics,
    }


def sharing_page(*, person) -> dict:
    """The person's share codes, and for each purpose what a verifier would see now."""
    previews = []
    for value, label in Purpose.choices:
        status = right_for(person, value)
        previews.append(
            {
                "value": value,
                "label": label,
                "result": status.as_result(name=person.full_name, purpose=value),
            }
        )
    codes = ShareCode.objects.filter(person=person).prefetch_related("checks")
    return {
        "codes": codes,
        "previews": previews,
        "now": timezone.now(),
        # What the person declared gives no right until an agent confirms it: say so, and how.
        "permit_unconfirmed": person.has_current_permit and not person.permit_on_record,
    }


def mandates_page(*, person) -> dict:
    """The person's helpers: mandates given, paper mandates awaiting their answer, and what a new one
    may cover."""
    mandates = Mandate.objects.filter(person=person).select_related("helper", "structure")
    return {
        "mandates": mandates.filter(confirmed_at__isnull=False),
        "awaiting": mandates.awaiting_confirmation(),
        "applications": person.applications.exclude(state__in=[State.WITHDRAWN]).select_related("procedure"),
        "default_end": timezone.localdate() + timedelta(days=MANDATE_DEFAULT_DAYS),
        "today": timezone.localdate(),
    }
