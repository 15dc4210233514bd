"""The whole life of an application, declared in one place.

States; the kinds of event the history records, with whom each one tells (`EVENTS`); and the table
of allowed transitions (`TRANSITIONS`): who may trigger each, what must hold (guards) and what
it does to the rest of the file (effects). `anef.applications.kernel.transition` is the only code
that changes an application's state: guards, a conditional update, the history row, then the
effects in table order, in one transaction. Guards and effects are named by dotted path, so this
table imports no other app; the functions live in the apps that own them (`certificates/effects.py`,
`appointments/effects.py`, `notifications/effects.py`). `test_workflow_table` checks that every
name resolves and that every kind of event has its row.

    draft -> submitted -> in_review <-> awaiting_applicant
    submitted -> draft                      (the applicant reopens it to correct it, before review)
    in_review -> accepted -> card_ordered -> card_ready -> card_delivered
    in_review -> refused                    (an appeal is a new, linked application)
    draft, submitted, in_review, awaiting_applicant -> withdrawn       (the applicant, before a decision)
    any open state -> closed_no_action      (an agent, with a reason; not while a request runs)
    withdrawn -> in_review                  (an agent undoes a withdrawal made by mistake, within
                                             RESTORE_WITHDRAWAL_DAYS)
"""

from dataclasses import dataclass
from enum import Enum

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
# Filed and still open: an agent may take, assign or transfer the file.
CASEWORK_STATES = frozenset(OPEN_STATES - {State.DRAFT})
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
    PERMIT_CONFIRM = "permit_confirm", _("Current permit confirmed by the prefecture")
    RESTORE_WITHDRAWAL = "restore_withdrawal", _("Withdrawal undone: the application is examined again")
    DECLARATION_JOINED = "declaration_joined", _("A declaration was joined to this application")


class Tell(Enum):
    """Whom an event tells, besides the history (SPEC §8). Whatever a helper does under a mandate is
    told to the person whatever its kind: they must see every use (`notifications.effects`)."""

    NOBODY = "nobody"
    THE_PERSON = "the person"
    WHEN_THE_PREFECTURE_WRITES = "the person, when the prefecture writes"  # not of their own message
    WHEN_IT_GIVES_RIGHTS = "the person, for a document that gives rights"  # notifications.NOTIFIED_DOCUMENTS


@dataclass(frozen=True)
class Event:
    kind: EventKind
    tells: Tell = Tell.NOBODY
    # The prefecture's organisation only: not on the applicant's timeline.
    internal: bool = False


E, PERSON = EventKind, Tell.THE_PERSON

EVENTS: dict[EventKind, Event] = {
    e.kind: e
    for e in [
        Event(E.SUBMIT, PERSON),  # with the filing certificate
        Event(E.REOPEN),
        Event(E.START_REVIEW, PERSON),
        Event(E.REQUEST_INFORMATION, PERSON),
        Event(E.ANSWER_REQUEST),
        Event(E.ACCEPT, PERSON),  # with the decision letter
        Event(E.REFUSE, PERSON),  # with the decision letter
        Event(E.ORDER_CARD),
        Event(E.MARK_CARD_READY, PERSON),
        Event(E.DELIVER_CARD),
        Event(E.WITHDRAW, PERSON),
        Event(E.CLOSE_NO_ACTION, PERSON),
        Event(E.CREATE),
        Event(E.ANSWERS_UPDATE),
        Event(E.DOCUMENT_ADD),
        Event(E.DOCUMENT_REPLACE),
        Event(E.TRANSFER, PERSON),
        Event(E.DOCUMENT_VERDICT),
        Event(E.ASSIGN, internal=True),
        Event(E.NOTE_ADD, internal=True),
        Event(E.REQUEST_OVERDUE, internal=True),
        Event(E.MESSAGE, Tell.WHEN_THE_PREFECTURE_WRITES),
        Event(E.DOCUMENT_ISSUE, Tell.WHEN_IT_GIVES_RIGHTS),
        Event(E.DOCUMENT_REVOKE),
        Event(E.APPOINTMENT_INVITE, PERSON),
        Event(E.APPOINTMENT_BOOK, PERSON),
        Event(E.APPOINTMENT_RESCHEDULE, PERSON),
        Event(E.APPOINTMENT_CANCEL, PERSON),
        Event(E.APPOINTMENT_PRESENCE),
        Event(E.APPOINTMENT_OFFER, PERSON),
        Event(E.APPOINTMENT_ASSIGN, PERSON),
        Event(E.HANDOVER_UNRECORDED, PERSON),
        Event(E.LETTER_POSTED),
        Event(E.API_ISSUE_FAILED, internal=True),
        Event(E.PROFILE_UPDATE),
        Event(E.RETENTION_ERASE),
        Event(E.INQUIRY_SEND, PERSON),
        Event(E.INQUIRY_ANSWER, PERSON),
        Event(E.DEADLINE_EXTEND, PERSON),
        Event(E.APPEAL_FILED),
        Event(E.REOPEN_ON_APPEAL, PERSON),
        Event(E.GRANT_APPEAL),
        Event(E.PERMIT_CONFIRM),
        Event(E.RESTORE_WITHDRAWAL, PERSON),
        Event(E.DECLARATION_JOINED),
    ]
}

# What every recorded event does, whatever its kind: the person is told when `EVENTS` says so;
# appointments follow a transfer to the new prefecture, whatever path made it.
ON_EVERY_EVENT = ("anef.notifications.effects.tell_the_person", "anef.appointments.effects.follow_a_transfer")

# Events that concern the prefecture's organisation only: not shown on the applicant's timeline.
INTERNAL_EVENTS = frozenset(kind for kind, event in EVENTS.items() if event.internal)


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
    # Dotted paths of functions(application) -> None that raise ApplicationError when a fact
    # outside the application's state forbids the move, checked in order before anything changes.
    guards: tuple[str, ...] = ()
    # Dotted paths of functions(kernel.Happened) -> None run after the history row, in order, in the
    # same transaction: what the move does to the rest of the file.
    effects: tuple[str, ...] = ()


def _t(event, sources, target, actors, reason_required=False, guards=(), effects=()) -> Transition:
    return Transition(event, frozenset(sources), target, frozenset(actors), reason_required, guards, effects)


# The effects, by the app that owns them.
_DOCS, _APPTS = "anef.certificates.effects.", "anef.appointments.effects."
ISSUE_RECEPISSE = _DOCS + "issue_recepisse"  # a first filing, where the procedure yields one
ISSUE_FILING_ATTESTATION = _DOCS + "issue_filing_attestation"  # a first filing, where the procedure yields one
ISSUE_FAVOURABLE_DECISION = _DOCS + "issue_favourable_decision_attestation"  # rights until the card
ISSUE_DECISION_LETTER = _DOCS + "issue_decision_letter"  # with the grounds and the way to appeal
END_API = _DOCS + "end_the_api"  # the provisional attestation stops with the decision
END_FILING_ATTESTATION = _DOCS + "end_the_filing_attestation"
END_FAVOURABLE_DECISION = _DOCS + "end_the_favourable_decision_attestation"  # the card replaces it
END_DECISION_LETTER = _DOCS + "end_the_decision_letter"  # the refusal is withdrawn
INVITE_BIOMETRICS = _APPTS + "invite_to_biometrics"  # where the procedure takes them
INVITE_BIOMETRICS_STILL_DUE = _APPTS + "invite_to_biometrics_if_still_due"  # the card waits for them
INVITE_CARD_HANDOVER = _APPTS + "invite_to_card_handover"
CANCEL_INVITATIONS = _APPTS + "cancel_open_invitations"  # the file is over: nothing left to book


APPLICANT, AGENT, COUNTER, SYSTEM = Actor.APPLICANT, Actor.AGENT, Actor.COUNTER, Actor.SYSTEM
S = State

TRANSITIONS: dict[EventKind, Transition] = {
    t.event: t
    for t in [
        _t(
            E.SUBMIT,
            {S.DRAFT},
            S.SUBMITTED,
            {APPLICANT, COUNTER},
            effects=(ISSUE_RECEPISSE, ISSUE_FILING_ATTESTATION),
        ),
        _t(E.REOPEN, {S.SUBMITTED}, S.DRAFT, {APPLICANT}),
        _t(E.START_REVIEW, {S.SUBMITTED}, S.IN_REVIEW, {AGENT}, effects=(INVITE_BIOMETRICS,)),
        _t(E.REQUEST_INFORMATION, {S.IN_REVIEW}, S.AWAITING_APPLICANT, {AGENT}, reason_required=True),
        _t(E.ANSWER_REQUEST, {S.AWAITING_APPLICANT}, S.IN_REVIEW, {APPLICANT, COUNTER}),
        _t(
            E.ACCEPT,
            {S.IN_REVIEW},
            S.ACCEPTED,
            {AGENT},
            effects=(END_API, ISSUE_FAVOURABLE_DECISION, ISSUE_DECISION_LETTER, INVITE_BIOMETRICS_STILL_DUE),
        ),
        _t(
            E.REFUSE,
            {S.IN_REVIEW},
            S.REFUSED,
            {AGENT},
            reason_required=True,
            effects=(END_API, ISSUE_DECISION_LETTER, CANCEL_INVITATIONS),
        ),
        _t(
            E.ORDER_CARD,
            {S.ACCEPTED},
            S.CARD_ORDERED,
            {AGENT, SYSTEM},
            guards=(
                "anef.applications.selectors.no_card_for_an_appeal",
                "anef.applications.declarations.card_made_by_the_renewal",
                "anef.appointments.selectors.require_biometrics_for_the_card",
            ),
        ),
        _t(E.MARK_CARD_READY, {S.CARD_ORDERED}, S.CARD_READY, {AGENT, SYSTEM}, effects=(INVITE_CARD_HANDOVER,)),
        _t(
            E.DELIVER_CARD,
            {S.CARD_READY},
            S.CARD_DELIVERED,
            {AGENT, COUNTER},
            effects=(END_FAVOURABLE_DECISION, CANCEL_INVITATIONS),
        ),
        _t(
            E.WITHDRAW,
            {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.AWAITING_APPLICANT},
            S.WITHDRAWN,
            {APPLICANT, COUNTER},
            effects=(END_API, END_FILING_ATTESTATION, CANCEL_INVITATIONS),
        ),
        _t(
            E.CLOSE_NO_ACTION,
            OPEN_STATES - {S.DRAFT},
            S.CLOSED_NO_ACTION,
            {AGENT},
            reason_required=True,
            guards=("anef.applications.selectors.no_open_request_within_deadline",),
            effects=(END_API, ISSUE_DECISION_LETTER, CANCEL_INVITATIONS),
        ),
        # The one move out of a terminal state: the system's, when an appeal linked to the refusal
        # is granted (review.application_accept on the appeal); nobody can do it by hand.
        _t(
            E.REOPEN_ON_APPEAL,
            {S.REFUSED},
            S.IN_REVIEW,
            {SYSTEM},
            reason_required=True,
            effects=(END_DECISION_LETTER,),
        ),
        # ...and the appeal itself ends there, once accepted (an appeal yields no card).
        _t(
            E.GRANT_APPEAL,
            {S.ACCEPTED},
            S.APPEAL_GRANTED,
            {SYSTEM},
            guards=("anef.applications.selectors.require_an_appeal",),
        ),
        # A withdrawal made by mistake, undone by an agent or supervisor of the prefecture within
        # RESTORE_WITHDRAWAL_DAYS (review.application_restore_withdrawal; the person is told).
        _t(
            E.RESTORE_WITHDRAWAL,
            {S.WITHDRAWN},
            S.IN_REVIEW,
            {AGENT},
            reason_required=True,
            guards=("anef.applications.selectors.withdrawal_restorable",),
            effects=(INVITE_BIOMETRICS_STILL_DUE,),
        ),
    ]
}


# Transitions out of a terminal state (SPEC §9: an appeal can reopen the decided file).
REOPENINGS = frozenset({EventKind.REOPEN_ON_APPEAL})
# The other way out of a terminal state: a withdrawal undone by staff, for a short time only.
RESTORATIONS = frozenset({EventKind.RESTORE_WITHDRAWAL})
# Moves only the system makes, when an appeal is granted: no person can ask for them.
APPEAL_STEPS = frozenset({EventKind.REOPEN_ON_APPEAL, EventKind.GRANT_APPEAL})


def allowed_events(state: str, actor: Actor) -> list[EventKind]:
    """Events this actor may trigger from this state, in table order."""
    return [t.event for t in TRANSITIONS.values() if state in t.sources and actor in t.actors]


def is_terminal(state: str) -> bool:
    return state in TERMINAL_STATES
