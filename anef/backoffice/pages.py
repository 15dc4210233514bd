"""What the back office's main pages show, one function per page: the views check access, parse the
form, call a service, then render one of these. What a member of staff may do on a file comes from
`applications.access` (`actor_kind`, `allowed_events`) and the apps' own rules, never from the
workflow table read here."""

from datetime import timedelta

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.applications.access import actor_kind, allowed_events, applications_for_agent
from anef.applications.models import Application
from anef.applications.selectors import (
    applicable_documents,
    application_timeline,
    current_documents,
    open_information_request,
)
from anef.applications.workflow import CASEWORK_STATES, PENDING_DECISION_STATES, Actor, EventKind, State
from anef.appointments.constants import BookingStatus, Kind
from anef.appointments.models import Booking, Invitation
from anef.appointments.selectors import unrecorded_handovers
from anef.appointments.services import BIOMETRICS_INVITE_STATES
from anef.certificates.sweeps import apis_failing
from anef.messaging.models import Side
from anef.messaging.selectors import threads_waiting_for_staff, unread_counts
from anef.procedures.presenters import answer_rows
from anef.transparency.inquiries import inquiries_waiting, inquiry_refusal, may_ask, open_inquiry

SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
# A file waiting for a decision that has not moved for this long shows on the supervision page.
IDLE_DAYS = 15


def _biometrics_status(application: Application) -> dict | None:
    """Where the fingerprints and photo stand, for procedures that take them (the card waits): the
    appointment where they were recorded, else the one booked, else whether the person is invited."""
    if not application.procedure.biometrics or application.state == State.DRAFT:
        return None
    bookings = application.bookings.filter(kind=Kind.BIOMETRICS).select_related("slot__site")
    attended = next((b for b in bookings if b.status == BookingStatus.ATTENDED), None)
    booked = next((b for b in bookings if b.status == BookingStatus.BOOKED), None)
    invited = application.invitations.filter(kind=Kind.BIOMETRICS, status=Invitation.Status.OPEN).exists()
    return {"recorded": attended, "appointment": booked, "invited": invited}


def case_page(*, user: User, application: Application) -> dict:
    """The case page: the file as staff read it, and what this member of staff may do on it now."""
    kind = actor_kind(user=user, application=application)
    is_agent = kind == Actor.AGENT
    # Taking, assigning and transferring are open on a filed file until it ends (`applications.review`).
    filed_and_open = application.state in CASEWORK_STATES
    documents = current_documents(application)
    biometrics = _biometrics_status(application)
    events = list(application_timeline(application=application))
    return {
        "application": application,
        "person": application.person,
        "procedure": application.procedure,
        "answers": answer_rows(application.procedure, application.answers),
        "documents": [
            {"requirement": requirement, "document": documents.get(requirement["code"])}
            for requirement in applicable_documents(application)
        ],
        "superseded": [d for d in application.uploaded_documents.all() if d.superseded_at is not None],
        "events": events,
        "declarations": [event for event in events if event.kind == EventKind.DECLARATION_JOINED],
        "notes": application.notes.select_related("author"),
        "open_request": open_information_request(application),
        "inquiry": open_inquiry(application),
        # At the counter, for a person without an online account (one with an account asks from their space).
        "can_send_inquiry": kind == Actor.COUNTER
        and may_ask(actor=user, application=application)
        and not inquiry_refusal(application),
        "can": {event.value: True for event in allowed_events(user=user, application=application)},
        "is_agent": is_agent,
        "can_verdict": is_agent and application.state in PENDING_DECISION_STATES,
        "may_take": is_agent and application.assigned_to_id != user.pk and filed_and_open,
        "may_transfer": filed_and_open,
        # A declared permit is a claim: the agent who checked the card or the register confirms it.
        "may_confirm_permit": kind in (Actor.AGENT, Actor.COUNTER)
        and application.person.has_current_permit
        and not application.person.permit_on_record,
        "may_invite_biometrics": is_agent
        and biometrics is not None
        and not (biometrics["recorded"] or biometrics["appointment"] or biometrics["invited"])
        and application.state in BIOMETRICS_INVITE_STATES,
        "is_supervisor": user.role in SUPERVISORS,
        "issued": application.issued_documents.all(),
        "biometrics": biometrics,
        "unrecorded_handovers": list(unrecorded_handovers(application.person)),
        "unread": unread_counts(
            applications_for_agent(agent=user).filter(pk=application.pk), reader_side=Side.PREFECTURE
        ).get(application.pk, 0),
    }


def supervision_page(*, user: User) -> dict:
    """What a supervisor watches: files by state and age, idle or unassigned ones, permits about to
    expire, each agent's load, threads and inquiries waiting, appointments and issuances to fix."""
    applications = applications_for_agent(agent=user)
    now = timezone.now()
    today = timezone.localdate()
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
        pending.filter(procedure__renewal=True, permit_expires_on_at_filing__lte=today + timedelta(days=30))
        .select_related("person", "procedure")
        .order_by("permit_expires_on_at_filing")[:50]
    )
    load = (
        User.objects.filter(prefecture_id=user.prefecture_id, role__in=[Role.CASE_AGENT, Role.SUPERVISOR])
        .annotate(
            open_files=Count(
                "assigned_applications", filter=Q(assigned_applications__state__in=PENDING_DECISION_STATES)
            ),
            last_activity=Max("assigned_applications__updated_at"),
        )
        .order_by("-open_files")
    )
    unrecorded = (
        Booking.objects.filter(application__in=applications, flagged_at__isnull=False, status=BookingStatus.BOOKED)
        .select_related("slot__site", "application__person")
        .order_by("slot__starts_at")[:50]
    )
    return {
        "api_failures": list(apis_failing(applications, today)[:50]),
        "waiting_threads": threads_waiting_for_staff(applications).select_related("person", "procedure")[:50],
        "inquiries": list(inquiries_waiting(prefecture_id=user.prefecture_id)[:50]),
        "today": today,
        "unrecorded": unrecorded,
        "by_state": [{**row, "label": labels[row["state"]]} for row in by_state],
        "idle": idle,
        "idle_days": IDLE_DAYS,
        "unassigned": unassigned,
        "expiring": expiring,
        "load": load,
        "now": now,
    }
