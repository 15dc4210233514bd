"""The case-file kernel: the only code that writes an application's state and history.

- `lock_application`: the row lock every write on a file starts with;
- `record_event`: appends one event to the history and runs what every event does
  (`workflow.ON_EVERY_EVENT`); it refuses to run outside a transaction;
- `transition`: one move of the workflow table: guards, the conditional update, the history row,
  then the move's effects in table order, all in the caller's transaction.

What each move does is declared in `workflow.py` (guards and effects, by dotted path); the
functions named there live in the apps that own them.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Case, DateTimeField, F, Max, OuterRef, Subquery, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from anef.accounts.constants import Role
from anef.accounts.models import User

from .access import actor_kind
from .errors import ApplicationError, ConcurrentChange, TransitionNotAllowed
from .models import Application, ApplicationEvent, InformationRequest
from .workflow import ON_EVERY_EVENT, TRANSITIONS, EventKind, State


@dataclass(frozen=True)
class Happened:
    """What an effect is given: the locked application, the history row just written, who acted
    (None for the system) and the move's payload (with its reason)."""

    application: Application
    event: ApplicationEvent
    actor: User | None
    payload: dict[str, Any] = field(default_factory=dict)


def lock_application(application_id: int, *related: str) -> Application:
    """The application, its row locked until the end of the transaction (a no-op on SQLite, where
    the conditional update in `transition` keeps two moves from both applying). Every write on a
    file starts here; `related` adds relations to read with it (person and procedure always)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("person", "procedure", *related)
        .get(pk=application_id)
    )


def lock_applications(application_ids) -> dict[int, Application]:
    """Several files locked at once, always in the same order (by id) so that two writers never
    wait for each other crosswise."""
    locked = Application.objects.select_for_update(of=("self",)).filter(pk__in=set(application_ids)).order_by("pk")
    return {application.pk: application for application in locked}


def _run(paths, happened: Happened) -> None:
    for path in paths:
        import_string(path)(happened)


def record_event(
    *,
    application: Application,
    kind: EventKind,
    actor: User | None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """Append one event. Call inside the transaction that holds the application's row lock."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event runs inside the transaction of the change it records.")
    payload = dict(payload or {})
    structure = actor.structure if actor is not None and actor.role == Role.HELPER else None
    if structure is not None:
        # "done by helper X of structure Y for the applicant", even if the helper changes structure later
        payload.setdefault("helper_structure", structure.name)
    last = application.events.aggregate(last=Max("sequence"))["last"] or 0
    event = ApplicationEvent.objects.create(
        application=application,
        sequence=last + 1,
        kind=kind,
        actor=actor,
        actor_role=getattr(actor, "role", "system"),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        payload=payload,
    )
    # What every event does (the person is told), in the same transaction: the notification and
    # its task exist only if the change commits.
    _run(ON_EVERY_EVENT, Happened(application=application, event=event, actor=actor, payload=payload))
    return event


def next_due_expression():
    """What `Application.next_due` holds, computed by the database from the file's state and its open request."""
    deadline = InformationRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=True).values(
        "deadline"
    )[:1]
    return Case(
        When(state=State.AWAITING_APPLICANT, then=Cast(Subquery(deadline), output_field=DateTimeField())),
        When(state__in=[State.SUBMITTED, State.IN_REVIEW], then=F("due_at")),
        default=None,
        output_field=DateTimeField(),
    )


def keep_next_due(*application_ids) -> None:
    """After a change of state or of a request's deadline, in the same transaction: the queue's order follows."""
    Application.objects.filter(pk__in=application_ids).update(next_due=next_due_expression())


def transition(
    *,
    application: Application,
    event: EventKind,
    actor: User | None,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    extra_fields: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """Apply one transition of the workflow table to a locked application.

    The write is conditional on the state read under the lock, so even where the database ignores
    row locks (SQLite) two concurrent transitions cannot both apply.
    """
    rule = TRANSITIONS.get(event)
    if rule is None or application.state not in rule.sources:
        raise TransitionNotAllowed()
    kind = actor_kind(user=actor, application=application)
    if kind not in rule.actors:
        raise TransitionNotAllowed()
    reason = (reason or "").strip()
    if rule.reason_required and not reason:
        raise ApplicationError(_("A reason is required for this action."))
    for guard in rule.guards:
        import_string(guard)(application)
    from_state = application.state
    now = timezone.now()
    fields = {"state": rule.target, "state_changed_at": now, "updated_at": now, **(extra_fields or {})}
    changed = Application.objects.filter(pk=application.pk, state=from_state).update(**fields)
    if changed != 1:
        raise ConcurrentChange()
    for name, value in fields.items():
        setattr(application, name, value)
    recorded = record_event(
        application=application,
        kind=event,
        actor=actor,
        from_state=from_state,
        to_state=rule.target,
        reason=reason,
        payload=payload,
    )
    # What the move means for the rest of the file (documents, appointments...), in table order.
    _run(
        rule.effects,
        Happened(application=application, event=recorded, actor=actor, payload={**(payload or {}), "reason": reason}),
    )
    keep_next_due(application.pk)
    return recorded
