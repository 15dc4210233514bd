"""Who is this user to this file: the one definition of who may see an application and act on it.

Every view, service and API asks here. Two questions, answered from the same rules:
- `actor_kind(user, application)`: in which capacity this user acts on this file (the workflow
  table's `Actor`), or None if they have no business with it;
- the scoped querysets: which files this user may open, as or for the applicant
  (`applications_for_applicant`) or as staff (`applications_for_agent`). A file of one is a file
  the other accepts: a test walks every role over every kind of file to keep them in step.

The rules, by role:
- the applicant: their own files;
- a helper: the files their valid mandates cover, acting as the applicant (the history says so);
- a case agent or supervisor: the filed files of their prefecture, as AGENT;
- a counter agent: the filed files of their prefecture, as COUNTER (card handover, presence,
  a person who comes in to act on their file); their counter space lists the files they hold for
  people, those registered at the counter (drafts included);
- an administrator: every filed file, as AGENT.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from anef.accounts.constants import STAFF_ROLES, Role
from anef.accounts.models import User
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_record

from .models import Application, Channel
from .ports import MANDATE_FOR_ALL, MANDATED_APPLICATIONS, port
from .workflow import TRANSITIONS, Actor, EventKind, State

AGENT_ROLES = frozenset({Role.CASE_AGENT, Role.SUPERVISOR})


def actor_kind(*, user: User | None, application: Application) -> Actor | None:
    """How this user relates to this application, or None if they have no business with it."""
    if user is None:
        return Actor.SYSTEM
    if application.person.user_id is not None and application.person.user_id == user.pk:
        return Actor.APPLICANT
    if user.role == Role.HELPER:
        if port(MANDATED_APPLICATIONS)(helper=user).filter(pk=application.pk).exists():
            return Actor.APPLICANT  # acting for the applicant, under a mandate; the history says so
        return None
    if user.role == Role.ADMINISTRATOR:
        return Actor.AGENT
    same_prefecture = user.prefecture_id is not None and user.prefecture_id == application.prefecture_id
    if user.role in AGENT_ROLES and same_prefecture:
        return Actor.AGENT
    if user.role == Role.COUNTER_AGENT and same_prefecture:
        return Actor.COUNTER
    return None


def allowed_events(*, user: User | None, application: Application) -> frozenset[EventKind]:
    """What this user may do on this file now: the workflow's moves open to them from its state.
    The one answer the portal, the helper space and the back office show buttons from."""
    kind = actor_kind(user=user, application=application)
    if kind is None:
        return frozenset()
    return frozenset(
        event for event, rule in TRANSITIONS.items() if application.state in rule.sources and kind in rule.actors
    )


def counter_space(*, prefecture_id) -> Q:
    """The files a counter holds for people: registered at the counter of this prefecture."""
    return Q(channel=Channel.COUNTER, prefecture_id=prefecture_id)


def applications_for_applicant(*, user: User) -> QuerySet[Application]:
    """The applications this user may act on as, or for, the applicant: their own; for a helper,
    those covered today by a mandate; for a counter agent, those of their counter space."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.role == Role.HELPER:
        return port(MANDATED_APPLICATIONS)(helper=user).select_related("procedure", "prefecture")
    if user.role == Role.COUNTER_AGENT:
        return Application.objects.filter(counter_space(prefecture_id=user.prefecture_id)).select_related(
            "procedure", "prefecture"
        )
    return Application.objects.filter(person__user=user).select_related("procedure", "prefecture")


def application_for_user(*, user: User, reference: str) -> Application:
    """The application if this user may act on it as or for the applicant, else 404."""
    try:
        return applications_for_applicant(user=user).select_related("person").get(reference=reference)
    except Application.DoesNotExist as exc:
        if user.is_authenticated and user.role != Role.APPLICANT:  # a helper without a mandate, staff
            _record_if_out_of_scope(user=user, reference=reference)
        raise Http404 from exc


def applications_for_agent(*, agent: User) -> QuerySet[Application]:
    """Filed applications a staff member may see: their prefecture's, or all for an administrator."""
    if not agent.is_authenticated or agent.role not in STAFF_ROLES:
        return Application.objects.none()
    queryset = Application.objects.exclude(state=State.DRAFT)
    if agent.role != Role.ADMINISTRATOR:
        if agent.prefecture_id is None:  # staff of no prefecture: no file (a filed file always has one)
            return Application.objects.none()
        queryset = queryset.filter(prefecture_id=agent.prefecture_id)
    return queryset


def application_for_staff(*, user: User, reference: str) -> Application:
    try:
        return (
            applications_for_agent(agent=user)
            .select_related("person", "procedure", "prefecture", "assigned_to")
            .get(reference=reference)
        )
    except Application.DoesNotExist as exc:
        _record_if_out_of_scope(user=user, reference=reference)
        raise Http404 from exc


def _record_if_out_of_scope(*, user: User, reference: str) -> None:
    """Staff or a helper asking for a file that exists but is not theirs to see leaves a security
    event (a mistyped number does not: the file does not exist)."""
    if Application.objects.filter(reference=reference).exists():
        security_event_record(kind=SecurityEventKind.OUT_OF_SCOPE, user=user, application=reference)


def profile_editable_by(*, actor: User, application: Application) -> bool:
    """Who may change the person's profile from this application: the person themselves, a
    helper whose valid mandate covers all their applications (the profile serves them all), or a
    counter agent of the file's prefecture for a person without an online account."""
    person = application.person
    if actor.pk == person.user_id:
        return True
    if actor.role == Role.HELPER:
        return port(MANDATE_FOR_ALL)(helper=actor, person=person)
    if actor.role == Role.COUNTER_AGENT:
        return (
            person.user_id is None
            and application.channel == Channel.COUNTER
            and application.prefecture_id == actor.prefecture_id
        )
    return False


def may_start_for(*, actor: User, person) -> bool:
    """Who may open an application for this person: themselves, a counter agent (identity checked
    at the counter), or a helper with a valid mandate for all their applications."""
    if actor.pk == person.user_id or actor.role == Role.COUNTER_AGENT:
        return True
    return actor.role == Role.HELPER and port(MANDATE_FOR_ALL)(helper=actor, person=person)
