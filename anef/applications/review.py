"""Writes by prefecture staff: take and assign files, examine, ask, decide, transfer.

Every function is one transaction that locks the application row and appends to its history;
decisions go through `services.transition`, so the workflow table decides what is allowed.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.territory.models import Prefecture

from .access import actor_kind
from .constants import APPEAL_DAYS, ClosureReason, RefusalGround
from .errors import ApplicationError, TransitionNotAllowed
from .kernel import keep_next_due, lock_application, record_event, transition
from .models import Application, CaseNote, InformationRequest
from .moves import files_follow_the_address, transfer_locked
from .requested import items_from
from .selectors import unchecked_documents
from .wording import Wording
from .workflow import APPEAL_STEPS, CASEWORK_STATES, PENDING_DECISION_STATES, Actor, EventKind, State

MIN_REQUEST_DAYS = 15
DECIDERS = frozenset({Role.CASE_AGENT, Role.SUPERVISOR, Role.ADMINISTRATOR})


def _require_agent(application: Application, actor: User) -> None:
    if actor_kind(user=actor, application=application) != Actor.AGENT:
        raise TransitionNotAllowed()


def application_take(*, application_id: int, actor: User) -> Application:
    """An agent takes a file: it becomes theirs."""
    return application_assign(application_id=application_id, assignee=actor, actor=actor)


def application_assign(*, application_id: int, assignee: User | None, actor: User) -> Application:
    """Assign a file to an agent of its prefecture (anyone takes for themselves; a supervisor for others)."""
    with transaction.atomic():
        application = lock_application(application_id)
        _require_agent(application, actor)
        if application.state not in CASEWORK_STATES:
            raise TransitionNotAllowed()
        if assignee is not None and assignee != actor and actor.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
            raise ApplicationError(_("Only a supervisor can assign a file to someone else."))
        if assignee is not None and (
            assignee.role not in DECIDERS or assignee.prefecture_id != application.prefecture_id
        ):
            raise ApplicationError(_("This agent does not work for the prefecture in charge of the file."))
        application.assigned_to = assignee
        application.save(update_fields=["assigned_to", "updated_at"])
        record_event(
            application=application,
            kind=EventKind.ASSIGN,
            actor=actor,
            payload={"assignee": assignee.pk if assignee else None, "name": str(assignee) if assignee else ""},
        )
    return application


def application_start_review(*, application_id: int, actor: User) -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        extra = {} if application.assigned_to_id else {"assigned_to": actor}
        transition(application=application, event=EventKind.START_REVIEW, actor=actor, extra_fields=extra)
    return application


def application_card_step(*, application_id: int, event: EventKind, actor: User) -> Application:
    """The card's production: ordered once accepted (and, where the procedure takes them, once the
    fingerprints and photo are recorded), then ready to collect, which invites the person."""
    if event not in (EventKind.ORDER_CARD, EventKind.MARK_CARD_READY):
        raise ValueError(f"not a card step: {event}")
    with transaction.atomic():
        application = lock_application(application_id)
        transition(application=application, event=event, actor=actor)
    return application


def application_request_information(
    *, application_id: int, actor: User, items: list[dict | str], message: str, deadline: date
) -> InformationRequest:
    """Ask the person for documents or information by a deadline. `items` are the documents picked
    from the procedure's list (`{"code": ...}`) and items in the agent's words (`{"text": ...}`, or
    a plain string): stored in that form (`applications.requested`, decision 0019)."""
    earliest = timezone.localdate() + timedelta(days=MIN_REQUEST_DAYS)
    if deadline < earliest:
        raise ApplicationError(
            _("The deadline must leave at least %(days)s days: %(date)s or later.")
            % {"days": MIN_REQUEST_DAYS, "date": date_format(earliest, "SHORT_DATE_FORMAT")}
        )
    with transaction.atomic():
        application = lock_application(application_id)
        codes: list[str] = []
        texts: list[str] = []
        for item in items:
            if isinstance(item, str):
                texts.append(item)
            elif item.get("code"):
                codes.append(item["code"])
            else:
                texts.append(item.get("text", ""))
        stored = items_from(procedure=application.procedure, codes=codes, texts=texts)
        if not stored:
            raise ApplicationError(_("List at least one missing document or piece of information."))
        transition(
            application=application,
            event=EventKind.REQUEST_INFORMATION,
            actor=actor,
            reason=message,
            payload={"requested": stored, "deadline": deadline.isoformat()},
        )
        request = InformationRequest.objects.create(
            application=application, requested_by=actor, items=stored, message=message, deadline=deadline
        )
        keep_next_due(application.pk)  # due on the request's deadline now
        return request


def application_accept(*, application_id: int, actor: User, comment: str = "") -> Application:
    """Accept. Accepting an appeal grants it, in the same transaction: the refused application is
    examined again with its whole history (its refusal letter withdrawn), and the appeal ends."""
    with transaction.atomic():
        application = lock_application(application_id)
        # The back office asks the agent to confirm first (`backoffice.forms.AcceptForm`); the
        # history keeps which documents nobody had accepted when the file was.
        unchecked = [document.requirement_code for document in unchecked_documents(application)]
        transition(
            application=application,
            event=EventKind.ACCEPT,
            actor=actor,
            reason=comment,
            payload={"unchecked_documents": unchecked} if unchecked else None,
        )
        if application.appeal_of_id is not None:
            _grant_appeal(application, actor, comment)
    return application


def _grant_appeal(appeal: Application, actor: User, comment: str) -> None:
    refused = lock_application(appeal.appeal_of_id)
    if refused.state == State.REFUSED:
        waiting = Application.objects.filter(
            person_id=refused.person_id, family_key=refused.family_key, state__in=PENDING_DECISION_STATES
        ).exists()
        if waiting:
            raise ApplicationError(
                _(
                    "The person has filed another application for this permit since the refusal: decide on that "
                    "one instead, or close it, before granting the appeal."
                )
            )
        wording = Wording("appeal_granted", {"ref": appeal.reference}, note=comment.strip())
        transition(
            application=refused,
            event=EventKind.REOPEN_ON_APPEAL,
            actor=None,
            reason=wording.recorded(),
            payload={"appeal": appeal.reference, "granted_by": actor.pk, **wording.payload()},
        )
        # Examined again at the office of the person's address, should they have moved since the refusal.
        files_follow_the_address(
            person=refused.person,
            actor=None,
            reason=Wording("moved_since_refusal"),
        )
    transition(
        application=appeal,
        event=EventKind.GRANT_APPEAL,
        actor=None,
        reason=Wording("examined_again", {"ref": refused.reference}).recorded(),
        payload={"appealed": refused.reference, **Wording("examined_again", {"ref": refused.reference}).payload()},
    )


def application_system_step(*, application_id: int, event: EventKind, actor: User | None, reason: str) -> Application:
    """A move only the system makes (APPEAL_STEPS): any person asking gets TransitionNotAllowed."""
    if event not in APPEAL_STEPS:
        raise ValueError(f"not a system step: {event}")
    with transaction.atomic():
        application = lock_application(application_id)
        transition(application=application, event=event, actor=actor, reason=reason)
    return application


def application_refuse(*, application_id: int, actor: User, ground: str, text: str) -> Application:
    """Refuse with mandatory grounds; the history keeps the appeal route and its deadline."""
    if ground not in RefusalGround.values:
        raise ApplicationError(_("Choose the ground of the refusal."))
    if not text.strip():
        raise ApplicationError(_("State the grounds of the refusal: the applicant must be able to understand them."))
    appeal_deadline = timezone.localdate() + timedelta(days=APPEAL_DAYS)
    with transaction.atomic():
        application = lock_application(application_id)
        transition(
            application=application,
            event=EventKind.REFUSE,
            actor=actor,
            reason=text,
            payload={"ground": ground, "appeal_deadline": appeal_deadline.isoformat()},
        )
    return application


def application_close(*, application_id: int, actor: User, reason_code: str, text: str) -> Application:
    if reason_code not in ClosureReason.values:
        raise ApplicationError(_("Choose the reason for closing the file."))
    if not text.strip():
        raise ApplicationError(_("Explain why the file is closed: the applicant will read it."))
    # A closure is a decision: its letter states the appeal route and its deadline, as a refusal's does.
    appeal_deadline = timezone.localdate() + timedelta(days=APPEAL_DAYS)
    with transaction.atomic():
        application = lock_application(application_id)
        transition(
            application=application,
            event=EventKind.CLOSE_NO_ACTION,
            actor=actor,
            reason=text,
            payload={"code": reason_code, "appeal_deadline": appeal_deadline.isoformat()},
        )
    return application


def application_restore_withdrawal(*, application_id: int, actor: User, reason: str) -> Application:
    """Undo a withdrawal made by mistake (an agent or supervisor of the prefecture, within
    RESTORE_WITHDRAWAL_DAYS): the file is examined again with its whole history, and the person is
    told. A request that was still waiting for the person's answer is asked again, with its deadline
    kept or moved to leave at least MIN_REQUEST_DAYS."""
    with transaction.atomic():
        application = lock_application(application_id)
        transition(application=application, event=EventKind.RESTORE_WITHDRAWAL, actor=actor, reason=reason)
        request = InformationRequest.objects.filter(application=application, answered_at__isnull=True).first()
        if request is not None:
            deadline = max(request.deadline, timezone.localdate() + timedelta(days=MIN_REQUEST_DAYS))
            transition(
                application=application,
                event=EventKind.REQUEST_INFORMATION,
                actor=actor,
                reason=request.message,
                payload={"requested": request.items, "deadline": deadline.isoformat(), "request": request.pk},
            )
            InformationRequest.objects.filter(pk=request.pk).update(
                deadline=deadline, reminded_at=None, escalated_at=None
            )
            keep_next_due(application.pk)
        # The person may have moved while the file was withdrawn: it goes on at the office of their address.
        files_follow_the_address(
            person=application.person,
            actor=actor,
            reason=Wording("moved_while_withdrawn"),
        )
    return application


def application_transfer(*, application_id: int, to: Prefecture, actor: User, reason: str) -> Application:
    if not reason.strip():
        raise ApplicationError(_("Give the reason for the transfer."))
    with transaction.atomic():
        application = lock_application(application_id)
        _require_agent(application, actor)
        if application.state not in CASEWORK_STATES:
            raise TransitionNotAllowed()
        transfer_locked(application, to, actor, reason.strip())
    return application


def note_add(*, application_id: int, actor: User, text: str) -> CaseNote:
    if not text.strip():
        raise ApplicationError(_("The note is empty."))
    with transaction.atomic():
        application = lock_application(application_id)
        if actor_kind(user=actor, application=application) not in (Actor.AGENT, Actor.COUNTER):
            raise TransitionNotAllowed()
        note = CaseNote.objects.create(application=application, author=actor, text=text.strip())
        record_event(application=application, kind=EventKind.NOTE_ADD, actor=actor, payload={"note": note.pk})
    return note


def application_permit_confirm(*, application_id: int, actor: User) -> Application:
    """An agent of the file checked the permit the person declared (the card shown, the register)
    and confirms it: from now on it is the permit on record, the only one that gives a right at a
    third party's check (`sharing.rights`). The values confirmed are written in the history."""
    with transaction.atomic():
        application = lock_application(application_id)
        if actor_kind(user=actor, application=application) not in (Actor.AGENT, Actor.COUNTER):
            raise TransitionNotAllowed()
        person = application.person
        if not person.has_current_permit:
            raise ApplicationError(_("The person has not described a current permit: there is nothing to confirm."))
        person.permit_confirmed_at, person.permit_confirmed_by = timezone.now(), actor
        person.save(update_fields=["permit_confirmed_at", "permit_confirmed_by", "updated_at"])
        record_event(
            application=application,
            kind=EventKind.PERMIT_CONFIRM,
            actor=actor,
            payload={
                "permit_type": person.permit_type,
                "permit_number": person.permit_number,
                "expires_on": person.permit_expires_on.isoformat() if person.permit_expires_on else None,
                "allows_work": person.permit_allows_work,
            },
        )
    return application
