"""Writes on applications. Each service is one transaction that locks the application row, checks
the workflow table (`workflow.py`) and appends an event to the history."""

from datetime import datetime, time, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from anef.accounts.constants import Role
from anef.accounts.models import Person, User
from anef.accounts.services import person_create_at_counter, person_update
from anef.procedures.constants import Category
from anef.procedures.models import Procedure
from anef.territory.models import Prefecture
from anef.territory.postcodes import UnknownPostcode
from anef.territory.services import prefecture_for_postcode

from .access import actor_kind, may_start_for, profile_editable_by
from .declarations import declaration_join
from .errors import (
    ApplicationError,
    DuplicateApplication,
    IncompleteApplication,
    TransitionNotAllowed,
)
from .kernel import lock_application, record_event, transition
from .models import Application, Channel, InformationRequest, StaffRead
from .moves import files_follow_the_address
from .ports import GRACE_DAYS, port
from .selectors import appeal_deadline, is_filed_in_time, missing_items, pending_of_the_same_kind
from .wording import Wording
from .workflow import EDITABLE_STATES, OPEN_STATES, Actor, EventKind, State


def application_profile_update(*, application_id: int, actor: User, **values) -> Person:
    """Someone acting for the person changes their profile from one of their applications: the
    person themselves, a helper whose mandate covers all their applications (the profile serves
    them all), or the counter agent for a person without an online account. The change is written
    in that application's history (which fields, by whom)."""
    with transaction.atomic():
        application = lock_application(application_id)
        person = application.person
        allowed = profile_editable_by(actor=actor, application=application)
        if not allowed:
            raise ApplicationError(
                _(
                    "You cannot change this person's profile: it serves all their applications. "
                    "Ask them to do it, or to give you a mandate for all their applications."
                )
            )
        before = {name: getattr(person, name) for name in values}
        person = person_update(person_id=person.pk, actor=actor, **values)
        application.person = person  # the event's notice goes to the details as they are now
        changed = [name for name in values if getattr(person, name) != before[name]]
        if "postcode" in changed:
            files_follow_the_address(
                person=person,
                actor=actor,
                reason=Wording("address_in_profile_of", {"ref": application.reference}),
            )
        if changed and actor.pk != person.user_id:
            payload: dict[str, Any] = {"fields": changed}
            contacts = {name: before[name] for name in ("email", "phone") if name in changed and before[name]}
            if contacts:
                payload["previous_contacts"] = contacts  # told too: see notify_event
            record_event(application=application, kind=EventKind.PROFILE_UPDATE, actor=actor, payload=payload)
    return person


def application_register_at_counter(
    *, actor: User, procedure: Procedure, identity: dict, postmarked_on=None
) -> Application:
    """A counter agent registers a person who came in or wrote (identity checked on the spot) and
    opens their application: both or neither, in one transaction."""
    if actor.role != Role.COUNTER_AGENT or actor.prefecture_id is None:
        raise TransitionNotAllowed()
    with transaction.atomic():
        person = person_create_at_counter(actor=actor, **identity)
        return application_create(person=person, procedure=procedure, actor=actor, postmarked_on=postmarked_on)


def application_create(*, person: Person, procedure: Procedure, actor: User, postmarked_on=None) -> Application:
    if not procedure.active:
        raise ApplicationError(_("This procedure is closed to new applications."))
    if not may_start_for(actor=actor, person=person):
        raise TransitionNotAllowed()
    # Said at the start, not after the whole form is filled: it could only be refused at submission.
    existing = pending_of_the_same_kind(person=person, family_key=procedure.family)
    if existing is not None:
        raise DuplicateApplication(existing)
    with transaction.atomic():
        at_counter = actor.role == Role.COUNTER_AGENT and actor.pk != person.user_id
        application = Application.objects.create(
            person=person,
            procedure=procedure,
            procedure_version=procedure.version,
            family_key=procedure.family,
            channel=Channel.COUNTER if at_counter else Channel.ONLINE,
            # A counter filing belongs to the agent's prefecture from the start (routing by address
            # still applies at submission).
            prefecture_id=actor.prefecture_id if at_counter else None,
            postmarked_on=postmarked_on if at_counter else None,
            created_by=actor,
        )
        record_event(application=application, kind=EventKind.CREATE, actor=actor, to_state=State.DRAFT)
    return application


def application_create_appeal(*, refused_id: int, actor: User) -> Application:
    """Appeal a refusal (recours gracieux): a new application, linked to the refused one and sent
    to the prefect who refused, its eligibility already answered. Asking twice gives the same
    appeal while it is open."""
    with transaction.atomic():
        refused = lock_application(refused_id)
        kind = actor_kind(user=actor, application=refused)
        if kind not in (Actor.APPLICANT, Actor.COUNTER) or (kind == Actor.COUNTER and refused.person.user_id):
            raise TransitionNotAllowed()
        if refused.state != State.REFUSED:
            raise ApplicationError(_("Only a refusal can be appealed."))
        if refused.appeal_of_id is not None:
            raise ApplicationError(
                _("A rejected appeal is contested before the administrative court: the decision letter says how.")
            )
        current = refused.appeals.filter(state__in=OPEN_STATES).first()
        if current is not None:
            return current
        deadline = appeal_deadline(refused)
        if deadline is not None:
            deadline += timedelta(days=port(GRACE_DAYS)(prefecture_id=refused.prefecture_id, day=deadline))
        if deadline is not None and timezone.localdate() > deadline:
            raise ApplicationError(
                _("The time to appeal to the prefect ended on %(date)s. The decision letter says how to go to court.")
                % {"date": date_format(deadline, "SHORT_DATE_FORMAT")}
            )
        procedure = Procedure.objects.filter(category=Category.APPEAL, active=True).first()
        if procedure is None:
            raise ApplicationError(_("Appeals cannot be filed online at the moment: write to the prefecture."))
        appeal = application_create(person=refused.person, procedure=procedure, actor=actor)
        appeal.appeal_of = refused
        appeal.family_key = f"appeal:{refused.pk}"  # appeals of different refusals may run at once
        appeal.eligibility = {question["name"]: question["expected"] for question in procedure.questions}
        # What the refused file already says need not be typed again (the person can correct it).
        decided_on = timezone.localdate(refused.state_changed_at).isoformat()
        known = {"appealed_reference": refused.reference, "decision_date": decided_on}
        names = {field["name"] for field in procedure.fields}
        appeal.answers = {name: value for name, value in known.items() if name in names}
        appeal.save(update_fields=["appeal_of", "family_key", "eligibility", "answers", "updated_at"])
    return appeal


def _check_editable(application: Application, actor: User) -> None:
    if application.state not in EDITABLE_STATES:
        raise TransitionNotAllowed()
    if actor_kind(user=actor, application=application) not in (Actor.APPLICANT, Actor.COUNTER):
        raise TransitionNotAllowed()


def application_save_eligibility(*, application_id: int, answers: dict[str, bool], actor: User) -> Application:
    """Store the eligibility answers given, all or some (a step saved for later keeps what it has);
    the history says so when they changed."""
    with transaction.atomic():
        application = lock_application(application_id)
        _check_editable(application, actor)
        names = {question["name"] for question in application.procedure.questions}
        eligibility = {name: value for name, value in answers.items() if name in names}
        if eligibility == application.eligibility:
            return application
        application.eligibility = eligibility
        application.save(update_fields=["eligibility", "updated_at"])
        record_event(
            application=application, kind=EventKind.ANSWERS_UPDATE, actor=actor, payload={"step": "eligibility"}
        )
    return application


def application_save_answers(
    *, application_id: int, answers: dict[str, Any], actor: User, typed: dict[str, str] | None = None
) -> Application:
    """Store the form answers (already cleaned by the form built from the procedure), complete or
    not, and what was typed in fields that could not be read yet (`typed`: kept as typed, shown
    again when the form is reopened; submission waits until they are corrected)."""
    with transaction.atomic():
        application = lock_application(application_id)
        _check_editable(application, actor)
        names = {field["name"] for field in application.procedure.fields} | {"stamp_number"}
        typed = {name: str(value)[:4000] for name, value in (typed or {}).items() if name in names and value}
        changed = sorted(
            name
            for name in names
            if application.answers.get(name) != answers.get(name)
            or application.typed_input.get(name) != typed.get(name)
        )
        application.answers = {name: value for name, value in answers.items() if name in names and name not in typed}
        application.typed_input = typed
        application.save(update_fields=["answers", "typed_input", "updated_at"])
        if changed:
            record_event(
                application=application,
                kind=EventKind.ANSWERS_UPDATE,
                actor=actor,
                payload={"step": "form", "fields": changed},
            )
    return application


def application_submit(*, application_id: int, actor: User) -> Application:
    """Submit a draft. A second submission (double click, retry, second tab) changes nothing.

    The first submission fixes the filing date and, for renewals, whether it was filed in time;
    a resubmission after a correction keeps both.
    """
    try:
        with transaction.atomic():
            application = lock_application(application_id)
            if application.state != State.DRAFT:
                raise TransitionNotAllowed()
            missing = missing_items(application)
            if missing:
                raise IncompleteApplication(missing)
            is_move = application.procedure.category == Category.CHANGE_OF_ADDRESS
            postcode = application.answers.get("new_postcode", "") if is_move else application.person.postcode
            if application.appeal_of_id is not None:
                # An appeal goes to the prefect who decided, wherever the person lives now.
                # (a refused file was filed, so it has its prefecture)
                prefecture = cast(Prefecture, lock_application(application.appeal_of_id).prefecture)
            else:
                try:
                    prefecture = prefecture_for_postcode(postcode)
                except UnknownPostcode as exc:
                    message = _("The postcode %(postcode)s is not a French postcode.") % {"postcode": postcode}
                    step = "form" if is_move else "profile"
                    raise IncompleteApplication([{"step": step, "message": message}]) from exc
            now = timezone.now()
            extra: dict[str, Any] = {"prefecture": prefecture}
            first_filing = application.filed_at is None
            if first_filing:
                if application.postmarked_on:
                    extra["filed_at"] = timezone.make_aware(
                        datetime.combine(application.postmarked_on, time(12)), timezone.get_default_timezone()
                    )
                else:
                    extra["filed_at"] = now
                extra["due_at"] = extra["filed_at"] + timedelta(days=application.procedure.target_days)
                person = application.person
                extra["permit_type_at_filing"] = person.permit_type
                extra["permit_allows_work_at_filing"] = person.permit_allows_work
                if application.procedure.renewal and person.permit_expires_on:
                    extra["permit_expires_on_at_filing"] = person.permit_expires_on
                    extra["filed_in_time"] = is_filed_in_time(
                        filed_on=timezone.localdate(extra["filed_at"]),
                        expires_on=person.permit_expires_on,
                        prefecture_id=prefecture.pk,
                    )
            transition(
                application=application,
                event=EventKind.SUBMIT,
                actor=actor,
                payload={
                    "prefecture": prefecture.code,
                    "first_filing": first_filing,
                    "filed_in_time": extra.get("filed_in_time", application.filed_in_time),
                },
                extra_fields=extra,
            )
            if is_move:
                _move_person(application, actor)
            if first_filing:
                declaration_join(declaration=application, actor=actor)
            if application.appeal_of_id is not None and first_filing:
                record_event(
                    application=lock_application(application.appeal_of_id),
                    kind=EventKind.APPEAL_FILED,
                    actor=actor,
                    payload={"appeal": application.reference},
                )
    except IntegrityError as exc:
        existing = pending_of_the_same_kind(person=application.person, family_key=application.family_key)
        raise DuplicateApplication(existing) from exc
    return application


def _move_person(application: Application, actor: User) -> None:
    """A declared change of address updates the profile and moves every open file, with its history,
    to the prefecture now competent (SPEC §1: information is passed on to the prefecture in charge)."""
    answers = application.answers
    person = Person.objects.select_for_update(of=("self",)).get(pk=application.person_id)
    person.address_line = answers.get("new_address_line", person.address_line)
    person.postcode = answers.get("new_postcode", person.postcode)
    person.city = answers.get("new_city", person.city)
    person.save(update_fields=["address_line", "postcode", "city", "updated_at"])
    files_follow_the_address(
        person=person,
        actor=actor,
        reason=Wording("address_declared", {"ref": application.reference}),
    )


def application_answer_request(*, application_id: int, actor: User, answer: str) -> Application:
    """The applicant answers a request for documents or information: the file returns to review."""
    with transaction.atomic():
        application = lock_application(application_id)
        request = InformationRequest.objects.filter(application=application, answered_at__isnull=True).first()
        transition(
            application=application,
            event=EventKind.ANSWER_REQUEST,
            actor=actor,
            reason=answer.strip(),
            payload={"request": request.pk if request else None},
        )
        if request is not None:
            InformationRequest.objects.filter(pk=request.pk).update(
                answered_at=timezone.now(), answered_by=actor, answer=answer.strip()
            )
    return application


def application_reopen(*, application_id: int, actor: User) -> Application:
    """Take a submitted application back to correct it, before review starts."""
    with transaction.atomic():
        application = lock_application(application_id)
        transition(application=application, event=EventKind.REOPEN, actor=actor)
    return application


def application_withdraw(*, application_id: int, actor: User, reason: str = "") -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        transition(application=application, event=EventKind.WITHDRAW, actor=actor, reason=reason)
    return application


def staff_read_record(*, actor: User, application: Application, document=None, a_file: bool = False) -> StaffRead:
    """Log that a member of staff read this file, or one of its files (SPEC §10): an uploaded
    document (`document`), or another file of it, a message attachment or an issued PDF
    (`a_file=True`). The person sees every read in their space. Append-only, apart from the
    history: reading never locks the file."""
    kind = StaffRead.Kind.DOCUMENT if document is not None or a_file else StaffRead.Kind.CASE
    return StaffRead.objects.create(actor=actor, application=application, document=document, kind=kind)
