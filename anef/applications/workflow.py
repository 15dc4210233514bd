"""The whole life of an application, declared in one place.

States, the kinds of event the history records, and the table of allowed transitions with who may
trigger each and what must hold. `anef.applications.services.transition` is the only code that
changes an application's state: it locks the row, checks this table, saves, and appends the event.

    draft -> submitted -> in_review <-> awaiting_applicant
    submitted -> draft                      (the applicant reopens it to correct it, before review)
    in_review -> accepted -> card_ordered -> card_ready -> card_delivered
    in_review -> refused                    (an appeal is a new, linked application)
    draft, submitted, in_review, awaiting_applicant -> withdrawn       (the applicant, before a decision)
    any open state -> closed_no_action      (an agent, with a reason)
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("Under review")
    AWAITING_APPLICANT = "awaiting_applicant", _("Waiting for the applicant")
    ACCEPTED = "accepted", _("Accepted")
    CARD_ORDERED = "card_ordered", _("Card ordered")
    CARD_READY = "card_ready", _("Card ready to collect")
    CARD_DELIVERED = "card_delivered", _("Card handed over")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED_NO_ACTION = "closed_no_action", _("Closed without action")
    APPEAL_GRANTED = "appeal_granted", _("Appeal granted")


TERMINAL_STATES = frozenset(
    {State.CARD_DELIVERED, State.REFUSED, State.WITHDRAWN, State.CLOSED_NO_ACTION, State.APPEAL_GRANTED}
)
OPEN_STATES = frozenset(set(State) - TERMINAL_STATES)
# Waiting for a decision: two such applications of the same family cannot coexist for one person.
PENDING_DECISION_STATES = frozenset({State.SUBMITTED, State.IN_REVIEW, State.AWAITING_APPLICANT})
# The applicant may still change answers and documents freely (the filing date never changes).
EDITABLE_STATES = frozenset({State.DRAFT})


class EventKind(models.TextChoices):
    # Transitions
    SUBMIT = "submit", _("Application submitted")
    REOPEN = "reopen", _("Application reopened for correction")
    START_REVIEW = "start_review", _("Review started")
    REQUEST_INFORMATION = "request_information", _("Documents or information requested")
    ANSWER_REQUEST = "answer_request", _("Applicant answered the request")
    ACCEPT = "accept", _("Application accepted")
    REFUSE = "refuse", _("Application refused")
    ORDER_CARD = "order_card", _("Card ordered")
    MARK_CARD_READY = "mark_card_ready", _("Card ready to collect")
    DELIVER_CARD = "deliver_card", _("Card handed over")
    WITHDRAW = "withdraw", _("Application withdrawn")
    CLOSE_NO_ACTION = "close_no_action", _("Closed without action")
    # Changes that keep the state
    CREATE = "create", _("Application started")
    ANSWERS_UPDATE = "answers_update", _("Answers updated")
    DOCUMENT_ADD = "document_add", _("Document added")
    DOCUMENT_REPLACE = "document_replace", _("Document replaced")
    TRANSFER = "transfer", _("Transferred to another prefecture")
    DOCUMENT_VERDICT = "document_verdict", _("Document checked")
    ASSIGN = "assign", _("Assigned to an agent")
    NOTE_ADD = "note_add", _("Internal note added")
    REQUEST_OVERDUE = "request_overdue", _("Deadline of the request passed without an answer")
    MESSAGE = "message", _("Message")
    DOCUMENT_ISSUE = "document_issue", _("Document issued")
    DOCUMENT_REVOKE = "document_revoke", _("Document no longer valid")
    APPOINTMENT_INVITE = "appointment_invite", _("Invitation to book an appointment")
    APPOINTMENT_BOOK = "appointment_book", _("Appointment booked")
    APPOINTMENT_RESCHEDULE = "appointment_reschedule", _("Appointment changed")
    APPOINTMENT_CANCEL = "appointment_cancel", _("Appointment cancelled")
    APPOINTMENT_PRESENCE = "appointment_presence", _("Appointment recorded at the counter")
    APPOINTMENT_OFFER = "appointment_offer", _("An earlier appointment is offered")
    APPOINTMENT_ASSIGN = "appointment_assign", _("Appointment assigned")
    HANDOVER_UNRECORDED = "handover_unrecorded", _("Card handover not recorded: to reconcile")
    LETTER_POSTED = "letter_posted", _("Letter posted")
    API_ISSUE_FAILED = "api_issue_failed", _("Automatic issuance of the API failed")
    PROFILE_UPDATE = "profile_update", _("Profile of the person changed")
    RETENTION_ERASE = "retention_erase", _("Files erased under the retention policy")
    INQUIRY_SEND = "inquiry_send", _("Formal inquiry sent to the prefecture")
    INQUIRY_ANSWER = "inquiry_answer", _("The prefecture answered the inquiry")
    DEADLINE_EXTEND = "deadline_extend", _("Deadline extended after a service incident")
    APPEAL_FILED = "appeal_filed", _("An appeal against the decision was filed")
    REOPEN_ON_APPEAL = "reopen_on_appeal", _("Decision withdrawn on appeal: the application is examined again")
    GRANT_APPEAL = "grant_appeal", _("Appeal granted: the refused application is examined again")


# Events that concern the prefecture's organisation only: not shown on the applicant's timeline.
INTERNAL_EVENTS = frozenset(
    {EventKind.ASSIGN, EventKind.NOTE_ADD, EventKind.REQUEST_OVERDUE, EventKind.API_ISSUE_FAILED}
)


class Actor(models.TextChoices):
    """Who may trigger a transition, relative to the application."""

    APPLICANT = "applicant", _("Applicant")  # the person, or someone acting for them under a mandate
    AGENT = "agent", _("Case agent")  # a case agent or supervisor of the competent prefecture
    COUNTER = "counter", _("Counter agent")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Transition:
    event: EventKind
    sources: frozenset
    target: State
    actors: frozenset
    reason_required: bool = False
    # Dotted path of a function(application) -> None that raises ApplicationError when a fact
    # outside the application's state forbids the move (a path, so this table imports no other app).
    guard: str = ""


def _t(event, sources, target, actors, reason_required=False, guard="") -> Transition:
    return Transition(event, frozenset(sources), target, frozenset(actors), reason_required, guard)


APPLICANT, AGENT, COUNTER, SYSTEM = Actor.APPLICANT, Actor.AGENT, Actor.COUNTER, Actor.SYSTEM
S = State

TRANSITIONS: dict[EventKind, Transition] = {
    t.event: t
    for t in [
        _t(EventKind.SUBMIT, {S.DRAFT}, S.SUBMITTED, {APPLICANT, COUNTER}),
        _t(EventKind.REOPEN, {S.SUBMITTED}, S.DRAFT, {APPLICANT}),
        _t(EventKind.START_REVIEW, {S.SUBMITTED}, S.IN_REVIEW, {AGENT}),
        _t(EventKind.REQUEST_INFORMATION, {S.IN_REVIEW}, S.AWAITING_APPLICANT, {AGENT}, reason_required=True),
        _t(EventKind.ANSWER_REQUEST, {S.AWAITING_APPLICANT}, S.IN_REVIEW, {APPLICANT, COUNTER}),
        _t(EventKind.ACCEPT, {S.IN_REVIEW}, S.ACCEPTED, {AGENT}),
        _t(EventKind.REFUSE, {S.IN_REVIEW}, S.REFUSED, {AGENT}, reason_required=True),
        _t(
            EventKind.ORDER_CARD,
            {S.ACCEPTED},
            S.CARD_ORDERED,
            {AGENT, SYSTEM},
            guard="anef.applications.selectors.card_may_be_ordered",
        ),
        _t(EventKind.MARK_CARD_READY, {S.CARD_ORDERED}, S.CARD_READY, {AGENT, SYSTEM}),
        _t(EventKind.DELIVER_CARD, {S.CARD_READY}, S.CARD_DELIVERED, {AGENT, COUNTER}),
        _t(
            EventKind.WITHDRAW,
            {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.AWAITING_APPLICANT},
            S.WITHDRAWN,
            {APPLICANT, COUNTER},
        ),
        _t(EventKind.CLOSE_NO_ACTION, OPEN_STATES - {S.DRAFT}, S.CLOSED_NO_ACTION, {AGENT}, reason_required=True),
        # The one move out of a terminal state: the system's, when an appeal linked to the refusal
        # is granted (review.application_accept on the appeal); nobody can do it by hand.
        _t(EventKind.REOPEN_ON_APPEAL, {S.REFUSED}, S.IN_REVIEW, {SYSTEM}, reason_required=True),
        # ...and the appeal itself ends there, once accepted (an appeal yields no card).
        _t(
            EventKind.GRANT_APPEAL,
            {S.ACCEPTED},
            S.APPEAL_GRANTED,
            {SYSTEM},
            guard="anef.applications.selectors.require_an_appeal",
        ),
    ]
}


# Transitions out of a terminal state (SPEC §9: an appeal can reopen the decided file).
REOPENINGS = frozenset({EventKind.REOPEN_ON_APPEAL})
# Moves only the system makes, when an appeal is granted: no person can ask for them.
APPEAL_STEPS = frozenset({EventKind.REOPEN_ON_APPEAL, EventKind.GRANT_APPEAL})


def allowed_events(state: str, actor: Actor) -> list[EventKind]:
    """Events this actor may trigger from this state, in table order."""
    return [t.event for t in TRANSITIONS.values() if state in t.sources and actor in t.actors]


def is_terminal(state: str) -> bool:
    return state in TERMINAL_STATES
