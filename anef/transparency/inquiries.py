"""Formal inquiries (SPEC §9): past the 90th percentile of its procedure's processing time at its
prefecture, a waiting file gives its applicant the right to ask, formally, where it stands; the
prefecture must answer in writing by a due date. Supervisors see every inquiry still unanswered."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.models import User
from anef.applications.access import actor_kind
from anef.applications.errors import ApplicationError, TransitionNotAllowed
from anef.applications.kernel import lock_application, record_event
from anef.applications.models import Application
from anef.applications.workflow import PENDING_DECISION_STATES, Actor, EventKind

from .constants import INQUIRY_AGAIN_DAYS, INQUIRY_ANSWER_DAYS
from .models import Inquiry
from .selectors import waiting_measure

MAX_TEXT = 2000


def open_inquiry(application: Application) -> Inquiry | None:
    """The inquiry waiting for its answer, while the file waits for its decision (the decision,
    or the end of the file, answers it)."""
    if application.state not in PENDING_DECISION_STATES:
        return None
    return application.inquiries.filter(answered_at__isnull=True).first()


def inquiry_refusal(application: Application, *, waiting=None, inquiries=None) -> str:
    """Why no inquiry can be sent on this file now ("" when it can). A page that has already read
    the waiting measure and the file's inquiries passes them, to read them once."""
    waiting = waiting_measure(application) if waiting is None else waiting
    if waiting is None:
        return _("A formal inquiry is possible only on a file waiting for a decision.")
    if not waiting["late"]:
        return _("A formal inquiry is possible once the file has waited longer than most files of its procedure.")
    inquiries = list(application.inquiries.all()) if inquiries is None else inquiries
    if any(inquiry.answered_at is None for inquiry in inquiries):
        return _("An inquiry on this file is already waiting for its answer.")
    last = max((inquiry.answered_at for inquiry in inquiries), default=None)
    if last is not None and last > timezone.now() - timedelta(days=INQUIRY_AGAIN_DAYS):
        return _("The prefecture answered your last inquiry less than %(days)s days ago.") % {
            "days": INQUIRY_AGAIN_DAYS
        }
    return ""


def may_ask(*, actor: User, application: Application) -> bool:
    """Who may send an inquiry on this file (when `inquiry_refusal` allows one): the applicant, or
    someone acting for them, and the counter for a person without an online account."""
    kind = actor_kind(user=actor, application=application)
    # A person without an online account asks at the counter, which sends it for them.
    return kind == Actor.APPLICANT or (kind == Actor.COUNTER and application.person.user_id is None)


def inquiry_send(*, application_id: int, actor: User, text: str = "") -> Inquiry:
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ApplicationError(_("Write %(count)s characters at most.") % {"count": MAX_TEXT})
    try:
        with transaction.atomic():
            application = lock_application(application_id, "prefecture")
            if not may_ask(actor=actor, application=application):
                raise TransitionNotAllowed()
            refusal = inquiry_refusal(application)
            if refusal:
                raise ApplicationError(refusal)
            now = timezone.now()
            inquiry = Inquiry.objects.create(
                application=application,
                asked_by=actor,
                asked_at=now,
                text=text,
                answer_due_on=timezone.localdate() + timedelta(days=INQUIRY_ANSWER_DAYS),
            )
            record_event(
                application=application,
                kind=EventKind.INQUIRY_SEND,
                actor=actor,
                reason=text,
                payload={"inquiry": inquiry.pk, "deadline": inquiry.answer_due_on.strftime("%d/%m/%Y")},
            )
    except IntegrityError as exc:  # another inquiry got in first (SQLite ignores the row lock)
        raise ApplicationError(_("An inquiry on this file is already waiting for its answer.")) from exc
    return inquiry


def inquiry_answer(*, application_id: int, actor: User, text: str) -> Inquiry:
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write the answer to the inquiry."))
    with transaction.atomic():
        application = lock_application(application_id)
        if actor_kind(user=actor, application=application) != Actor.AGENT:
            raise TransitionNotAllowed()
        inquiry = application.inquiries.select_for_update().filter(answered_at__isnull=True).first()
        if inquiry is None:
            raise ApplicationError(_("There is no inquiry waiting for an answer on this file."))
        inquiry.answered_at = timezone.now()
        inquiry.answered_by = actor
        inquiry.answer = text
        inquiry.save(update_fields=["answered_at", "answered_by", "answer"])
        record_event(
            application=application,
            kind=EventKind.INQUIRY_ANSWER,
            actor=actor,
            reason=text,
            payload={"inquiry": inquiry.pk},
        )
    return inquiry


def inquiries_waiting(*, prefecture_id: int | None):
    """Unanswered inquiries, the most urgent first (administrators: every prefecture)."""
    inquiries = Inquiry.objects.filter(
        answered_at__isnull=True, application__state__in=PENDING_DECISION_STATES
    ).select_related("application__procedure", "application__person", "application__assigned_to")
    if prefecture_id is not None:
        inquiries = inquiries.filter(application__prefecture_id=prefecture_id)
    return inquiries.order_by("answer_due_on", "asked_at")
