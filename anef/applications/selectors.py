"""Reads scoped to who asks. Object access goes through the `*_for_user` choke points: they raise
the same 404 for "missing" and "not yours"."""

from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from anef.accounts.models import User
from anef.procedures.conditions import applicable

from .models import Application, ApplicationEvent


def applications_for_applicant(*, user: User) -> QuerySet[Application]:
    """The applications this user may act on as the applicant: their own, or, for a helper, those
    covered today by a mandate."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.role == "helper":
        from anef.assistance.selectors import mandated_applications

        return mandated_applications(helper=user).select_related("procedure", "prefecture")
    if user.role == "counter_agent":
        # Files registered at the counter of their prefecture, for people who may have no account.
        return Application.objects.filter(channel="counter", prefecture_id=user.prefecture_id).select_related(
            "procedure", "prefecture"
        )
    return Application.objects.filter(person__user=user).select_related("procedure", "prefecture")


def application_for_user(*, user: User, reference: str) -> Application:
    """The application if this user may see it, else 404. Staff access arrives with the back office."""
    try:
        return applications_for_applicant(user=user).select_related("person").get(reference=reference)
    except Application.DoesNotExist as exc:
        if user.is_authenticated and user.role != "applicant":  # a helper without a mandate, staff
            _record_if_out_of_scope(user=user, reference=reference)
        raise Http404 from exc


def application_timeline(*, application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("sequence")


def renewal_window(expires_on: date) -> tuple[date, date]:
    """First and last day on which a renewal counts as filed in time."""
    from datetime import timedelta

    return (
        expires_on - timedelta(days=settings.ANEF_RENEWAL_WINDOW_EARLIEST_DAYS),
        expires_on - timedelta(days=settings.ANEF_RENEWAL_WINDOW_LATEST_DAYS),
    )


def is_filed_in_time(*, filed_on: date, expires_on: date, prefecture_id=None) -> bool:
    """In the renewal window; its last day moves later when a service incident covered it."""
    from datetime import timedelta

    from anef.incidents.selectors import grace_days

    opens, closes = renewal_window(expires_on)
    if filed_on > closes:
        closes += timedelta(days=grace_days(prefecture_id=prefecture_id, day=closes))
    return opens <= filed_on <= closes


def current_documents(application: Application) -> dict[str, "object"]:
    return {doc.requirement_code: doc for doc in application.uploaded_documents.all() if doc.superseded_at is None}


def applicable_fields(application: Application) -> list[dict]:
    return applicable(application.procedure.fields, application.answers)


def applicable_documents(application: Application) -> list[dict]:
    return applicable(application.procedure.documents, application.answers)


def missing_items(application: Application) -> list[dict]:
    """What still prevents submission, each with the step where it is fixed and a translated message."""
    from django.utils.translation import gettext as _

    from anef.procedures.texts import localised
    from anef.territory.postcodes import UnknownPostcode, departement_for_postcode

    procedure = application.procedure
    person = application.person
    missing: list[dict] = []
    for label in person.missing_profile_fields():
        missing.append({"step": "profile", "message": _("Your profile: %(field)s is missing.") % {"field": label}})
    if person.postcode:
        try:
            departement_for_postcode(person.postcode)
        except UnknownPostcode:
            missing.append({"step": "profile", "message": _("Your profile: the postcode is not a French postcode.")})
    if procedure.requires_current_permit and not person.has_current_permit:
        missing.append(
            {"step": "profile", "message": _("Your profile: describe your current residence permit and its expiry.")}
        )
    for question in procedure.questions:
        answer = application.eligibility.get(question["name"])
        if answer is None:
            missing.append({"step": "eligibility", "message": _("Eligibility: a question is not answered.")})
            break
        if answer != question["expected"]:
            missing.append({"step": "eligibility", "message": localised(question["if_not"])})
    for field in applicable_fields(application):
        if field["required"] and application.answers.get(field["name"]) in (None, ""):
            missing.append(
                {"step": "form", "message": _("Form: %(field)s is missing.") % {"field": localised(field["label"])}}
            )
    if procedure.needs_stamp and not application.answers.get("stamp_number"):
        missing.append({"step": "form", "message": _("Form: the tax stamp number is missing.")})
    uploaded = current_documents(application)
    for document in applicable_documents(application):
        if document["required"] and document["code"] not in uploaded:
            missing.append(
                {
                    "step": "documents",
                    "message": _("Documents: %(document)s is missing.") % {"document": localised(document["label"])},
                }
            )
    if procedure.renewal and person.permit_expires_on and application.state == "draft":
        opens, _closes = renewal_window(person.permit_expires_on)
        if timezone.localdate() < opens and application.filed_at is None:
            missing.append(
                {
                    "step": "profile",
                    "message": _("A renewal can be filed from %(date)s (120 days before your permit expires).")
                    % {"date": opens.strftime("%d/%m/%Y")},
                }
            )
    return missing


def applications_for_agent(*, agent: User) -> QuerySet[Application]:
    """Filed applications a staff member may see: their prefecture's, or all for an administrator."""
    from anef.accounts.constants import STAFF_ROLES, Role

    if not agent.is_authenticated or agent.role not in STAFF_ROLES:
        return Application.objects.none()
    queryset = Application.objects.exclude(state="draft")
    if agent.role != Role.ADMINISTRATOR:
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
        from anef.security.services import security_event_record

        security_event_record(kind="out_of_scope", user=user, application=reference)


def applicant_timeline(*, application: Application) -> QuerySet[ApplicationEvent]:
    """The history as the applicant sees it: without the prefecture's internal organisation."""
    from .workflow import INTERNAL_EVENTS

    return application_timeline(application=application).exclude(kind__in=INTERNAL_EVENTS)


def open_information_request(application: Application):
    return application.information_requests.filter(answered_at__isnull=True).first()


def last_decision_event(application: Application) -> ApplicationEvent | None:
    return application.events.filter(kind__in=["refuse", "close_no_action", "accept"]).order_by("-sequence").first()


def profile_editable_by(*, actor: User, application: Application) -> bool:
    """Who may change the person's profile from this application: the person themselves, a
    helper whose valid mandate covers all their applications (the profile serves them all), or a
    counter agent of the file's prefecture for a person without an online account."""
    from anef.assistance.models import Mandate

    person = application.person
    if actor.pk == person.user_id:
        return True
    if actor.role == "helper":
        return Mandate.objects.valid().filter(helper=actor, person=person, all_applications=True).exists()
    if actor.role == "counter_agent":
        return (
            person.user_id is None
            and application.channel == "counter"
            and application.prefecture_id == actor.prefecture_id
        )
    return False


def card_may_be_ordered(application: Application) -> None:
    """Guard of ORDER_CARD: an appeal yields no card (granting it reopens the refused file, which
    goes on to its own card); a procedure that takes biometrics needs them recorded first."""
    from django.utils.translation import gettext as _

    from anef.appointments.selectors import require_biometrics_for_the_card

    from .errors import ApplicationError

    if application.appeal_of_id is not None:
        raise ApplicationError(_("An appeal yields no card: the reopened application does."))
    require_biometrics_for_the_card(application)


def appeal_deadline(application: Application):
    """The last day to appeal its refusal to the prefect, as the refusal stated it (None if unknown)."""
    from datetime import date

    refusal = application.events.filter(kind="refuse").order_by("-sequence").first()
    value = (refusal.payload.get("appeal_deadline") or "")[:10] if refusal else ""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def require_an_appeal(application: Application) -> None:
    """Guard of GRANT_APPEAL: only an appeal ends as granted."""
    from .errors import TransitionNotAllowed

    if application.appeal_of_id is None:
        raise TransitionNotAllowed()


def may_be_appealed(application: Application, appeals: list) -> bool:
    """The page offers "Appeal this decision": a refusal (not of an appeal: that goes to court),
    with no appeal under way. The service checks the deadline and says so if it has passed."""
    from .workflow import OPEN_STATES

    return (
        application.state == "refused"
        and application.appeal_of_id is None
        and not any(appeal.state in OPEN_STATES for appeal in appeals)
    )
