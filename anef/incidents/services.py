"""Declaring and closing incidents, and moving the deadlines that fell inside them."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.applications.errors import ApplicationError
from anef.applications.kernel import keep_next_due, lock_application, record_event
from anef.applications.models import InformationRequest
from anef.applications.workflow import EventKind, State
from anef.core.tasks import enqueue

from .models import DeadlineExtension, Incident

EXTEND_TASK = "anef.incidents.services.incident_extend_deadlines"


def _check(actor: User) -> None:
    if actor.role != Role.ADMINISTRATOR:
        raise ApplicationError(_("Only national administrators declare incidents."))


def _check_period(starts_at, ends_at) -> None:
    if starts_at > timezone.now():
        raise ApplicationError(_("An incident is declared once it has started: the start cannot be in the future."))
    if ends_at is not None and ends_at <= starts_at:
        raise ApplicationError(_("The end must come after the start."))
    if ends_at is not None and ends_at > timezone.now():
        raise ApplicationError(_("The end cannot be in the future: close the incident once it is over."))


def incident_declare(
    *, actor: User, title: str, description: str, starts_at, ends_at=None, prefecture=None
) -> Incident:
    """Record an incident (ongoing if it has no end yet). A finished one moves its deadlines at once."""
    _check(actor)
    if not title.strip():
        raise ApplicationError(_("Give the incident a title."))
    _check_period(starts_at, ends_at)
    with transaction.atomic():
        incident = Incident.objects.create(
            title=title.strip(),
            description=description.strip(),
            prefecture=prefecture,
            starts_at=starts_at,
            ends_at=ends_at,
            declared_by=actor,
            closed_by=actor if ends_at else None,
        )
        if ends_at is not None:
            enqueue(EXTEND_TASK, incident.pk)
    return incident


def incident_close(*, incident_id: int, actor: User, ends_at) -> Incident:
    """The incident is over: its end is recorded once, and the deadlines inside it are moved."""
    _check(actor)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        if incident.ends_at is not None:
            raise ApplicationError(_("This incident is already closed."))
        _check_period(incident.starts_at, ends_at)
        incident.ends_at = ends_at
        incident.closed_by = actor
        incident.save(update_fields=["ends_at", "closed_by"])
        enqueue(EXTEND_TASK, incident.pk)
    return incident


def incident_extend_deadlines(incident_id: int) -> int:
    """Background task: every open request for documents of the incident's scope whose deadline fell
    inside it gets that deadline moved by the incident's length, once; the file's history says so
    and the person is told. Idempotent: a request already moved for this incident is skipped."""
    incident = Incident.objects.get(pk=incident_id)
    if incident.ends_at is None:
        return 0
    requests = InformationRequest.objects.filter(
        answered_at__isnull=True,
        application__state=State.AWAITING_APPLICANT,
        deadline__range=(incident.first_day, incident.last_day),
    ).exclude(pk__in=incident.extensions.values("request"))
    if incident.prefecture_id is not None:
        requests = requests.filter(application__prefecture_id=incident.prefecture_id)
    moved = 0
    for request_id, application_id in requests.values_list("pk", "application_id"):
        try:
            with transaction.atomic():
                application = lock_application(application_id)
                request = InformationRequest.objects.select_for_update().get(pk=request_id)
                if request.answered_at is not None:
                    continue
                new_deadline = request.deadline + timedelta(days=incident.length_days)
                DeadlineExtension.objects.create(
                    incident=incident, request=request, old_deadline=request.deadline, new_deadline=new_deadline
                )
                request.deadline = new_deadline
                request.escalated_at = None  # it was not late: it may be escalated after the new deadline
                request.save(update_fields=["deadline", "escalated_at"])
                keep_next_due(application.pk)
                record_event(
                    application=application,
                    kind=EventKind.DEADLINE_EXTEND,
                    actor=None,
                    reason=incident.title,
                    payload={
                        "incident": incident.pk,
                        "request": request.pk,
                        "deadline": new_deadline.strftime("%d/%m/%Y"),
                    },
                )
                moved += 1
        except IntegrityError:  # the same task ran twice at once: the other one moved it
            continue
    return moved
