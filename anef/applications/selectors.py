"""Reads on applications: what a file needs, its history, its deadlines. Who may read which file is
`access.py`; what is read here is for a file already reached through it."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anef.procedures.conditions import applicable
from anef.procedures.texts import localised
from anef.territory.postcodes import UnknownPostcode, departement_for_postcode

from .constants import RESTORE_WITHDRAWAL_DAYS, DocumentVerdict
from .errors import ApplicationError, TransitionNotAllowed
from .models import Application, ApplicationEvent, StaffRead
from .ports import GRACE_DAYS, port
from .workflow import INTERNAL_EVENTS, OPEN_STATES, PENDING_DECISION_STATES, EventKind, State

# What the person (or someone for them) does on a filed file that the agent in charge must hear of:
# shown as news in the work queue until the agent opens the file, and sent in their daily digest.
NEWS_KINDS = (
    EventKind.DOCUMENT_ADD,
    EventKind.DOCUMENT_REPLACE,
    EventKind.ANSWER_REQUEST,
    EventKind.DECLARATION_JOINED,
)


def with_news_for(queryset: QuerySet[Application], *, agent) -> QuerySet[Application]:
    """Annotate `has_news`: something of NEWS_KINDS happened on the filed file, by someone other
    than this agent, after the agent last opened it (ever, if they never did)."""
    last_read = (
        StaffRead.objects.filter(application=OuterRef("pk"), actor=agent, kind=StaffRead.Kind.CASE)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    news = (
        ApplicationEvent.objects.filter(
            application=OuterRef("pk"), kind__in=NEWS_KINDS, created_at__gt=OuterRef("filed_at")
        )
        .exclude(actor=agent)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return queryset.annotate(last_read_at=Subquery(last_read), last_news_at=Subquery(news)).annotate(
        has_news=Case(
            When(last_news_at__isnull=True, then=Value(False)),
            When(last_read_at__isnull=True, then=Value(True)),
            When(last_news_at__gt=F("last_read_at"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def application_timeline(*, application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("sequence")


def renewals_covered_by_the_law(queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """Renewals filed in time and not yet decided, a renewal reopened by its applicant for correction
    included (its filing date and timeliness are kept): the person keeps the expiring permit's rights
    until the decision (SPEC §5). The API sweep and the third-party check read this one definition."""
    queryset = Application.objects.all() if queryset is None else queryset
    return queryset.filter(procedure__renewal=True, filed_in_time=True).filter(
        Q(state__in=PENDING_DECISION_STATES) | Q(state=State.DRAFT, filed_at__isnull=False)
    )


def pending_of_the_same_kind(*, person, family_key: str) -> Application | None:
    """The person's application of this family waiting for a decision (at most one: a constraint)."""
    return Application.objects.filter(person=person, family_key=family_key, state__in=PENDING_DECISION_STATES).first()


def renewal_window(expires_on: date) -> tuple[date, date]:
    """First and last day on which a renewal counts as filed in time."""
    return (
        expires_on - timedelta(days=settings.ANEF_RENEWAL_WINDOW_EARLIEST_DAYS),
        expires_on - timedelta(days=settings.ANEF_RENEWAL_WINDOW_LATEST_DAYS),
    )


def is_filed_in_time(*, filed_on: date, expires_on: date, prefecture_id=None) -> bool:
    """In the renewal window; its last day moves later when a service incident covered it."""
    opens, closes = renewal_window(expires_on)
    if filed_on > closes:
        closes += timedelta(days=port(GRACE_DAYS)(prefecture_id=prefecture_id, day=closes))
    return opens <= filed_on <= closes


def current_documents(application: Application) -> dict[str, "object"]:
    return {doc.requirement_code: doc for doc in application.uploaded_documents.all() if doc.superseded_at is None}


def unchecked_documents(application: Application) -> list:
    """The current documents no agent has accepted: not checked yet, or rejected (catalogue order)."""
    order = {document["code"]: n for n, document in enumerate(application.procedure.documents)}
    documents = [
        document
        for document in application.uploaded_documents.filter(superseded_at__isnull=True)
        if document.verdict != DocumentVerdict.ACCEPTED
    ]
    return sorted(documents, key=lambda document: (order.get(document.requirement_code, len(order)), document.pk))


def applicable_fields(application: Application) -> list[dict]:
    return applicable(application.procedure.fields, application.answers)


def applicable_documents(application: Application) -> list[dict]:
    """The documents this file takes: the procedure's list for these answers, then each document
    the prefecture asked for that the list does not name (its own slot: `requested_documents`)."""
    listed = applicable(application.procedure.documents, application.answers)
    return listed + requested_documents(application, listed=listed)


# The requirement code of a document the prefecture asked for outside the procedure's list:
# "request-<request id>-<item number>" (UploadedDocument.requirement_code).
REQUESTED_PREFIX = "request-"


def _item_text(item) -> tuple[str, str]:
    """(the catalogue code it names, or "", its words) of one item of a request for information."""
    if isinstance(item, dict):
        code = str(item.get("code") or item.get("requirement") or "")
        text = item.get("label") or item.get("text") or item.get("other") or ""
        return code, localised(text)
    return "", str(item)


def requested_documents(application: Application, *, listed: list[dict] | None = None) -> list[dict]:
    """The documents the prefecture asked for (in its requests for information, answered or not)
    that the procedure's list does not name, each as a requirement of its own, optional, named by
    the agent's words (written in French: `lang`), so that the person can send it in its own slot
    and the agent checks it like any other; an item that names a listed document is not repeated."""
    if listed is None:
        listed = applicable(application.procedure.documents, application.answers)
    known_codes = {document["code"] for document in listed}
    known_words = {
        word.strip().casefold()
        for document in listed
        for word in (document["label"].values() if isinstance(document["label"], dict) else [document["label"]])
    }
    requested = []
    for request in sorted(application.information_requests.all(), key=lambda request: request.created_at):
        for number, item in enumerate(request.items, start=1):
            code, text = _item_text(item)
            if not text.strip() or code in known_codes or text.strip().casefold() in known_words:
                continue
            requested.append(
                {
                    "code": f"{REQUESTED_PREFIX}{request.pk}-{number}",
                    "label": text.strip(),
                    "lang": settings.LANGUAGE_CODE,
                    "required": False,
                    "requested": True,
                    "request": request.pk,
                    "requested_on": request.created_at,
                }
            )
    return requested


def missing_items(application: Application) -> list[dict]:
    """What still prevents submission, each with the step where it is fixed and a translated message."""
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
        typed = field["name"] in application.typed_input  # said below: "needs correcting"
        if field["required"] and not typed and application.answers.get(field["name"]) in (None, ""):
            missing.append(
                {"step": "form", "message": _("Form: %(field)s is missing.") % {"field": localised(field["label"])}}
            )
    labels = {field["name"]: localised(field["label"]) for field in procedure.fields}
    for name in application.typed_input:
        missing.append(
            {
                "step": "form",
                "message": _("Form: %(field)s needs correcting.")
                % {"field": labels.get(name) or _("the tax stamp number")},
            }
        )
    stamp_typed = "stamp_number" in application.typed_input
    if procedure.needs_stamp and not application.answers.get("stamp_number") and not stamp_typed:
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
    if procedure.renewal and person.permit_expires_on and application.state == State.DRAFT:
        opens, _closes = renewal_window(person.permit_expires_on)
        if timezone.localdate() < opens and application.filed_at is None:
            missing.append(
                {
                    "step": "profile",
                    "message": _("A renewal can be filed from %(date)s (120 days before your permit expires).")
                    % {"date": date_format(opens, "SHORT_DATE_FORMAT")},
                }
            )
    return missing


def applicant_timeline(*, application: Application) -> QuerySet[ApplicationEvent]:
    """The history as the applicant sees it: without the prefecture's internal organisation."""
    return application_timeline(application=application).exclude(kind__in=INTERNAL_EVENTS)


def open_information_request(application: Application):
    return application.information_requests.filter(answered_at__isnull=True).first()


def last_decision_event(application: Application) -> ApplicationEvent | None:
    return (
        application.events.filter(kind__in=[EventKind.REFUSE, EventKind.CLOSE_NO_ACTION, EventKind.ACCEPT])
        .order_by("-sequence")
        .first()
    )


def no_card_for_an_appeal(application: Application) -> None:
    """Guard of ORDER_CARD: an appeal yields no card (granting it reopens the refused file, which
    goes on to its own card)."""
    if application.appeal_of_id is not None:
        raise ApplicationError(_("An appeal yields no card: the reopened application does."))


def no_open_request_within_deadline(application: Application) -> None:
    """Guard of CLOSE_NO_ACTION: a file waiting for what the agent asked for cannot be closed while
    the person still has time to answer; once the deadline has passed (or they answered), it can."""
    request = open_information_request(application)
    if request is not None and timezone.localdate() <= request.deadline:
        raise ApplicationError(
            _(
                "The person has until %(date)s to answer the request for documents. The file can be closed "
                "without action only after that date, or once they have answered."
            )
            % {"date": date_format(request.deadline, "SHORT_DATE_FORMAT")}
        )


def withdrawal_restorable(application: Application) -> None:
    """Guard of RESTORE_WITHDRAWAL: a filed application, withdrawn less than RESTORE_WITHDRAWAL_DAYS
    ago, and no other application of its kind waiting for a decision since."""
    if application.filed_at is None:
        raise ApplicationError(_("A draft that was discarded cannot be restored: the person starts a new one."))
    since = timezone.localdate(application.state_changed_at)
    if timezone.localdate() > since + timedelta(days=RESTORE_WITHDRAWAL_DAYS):
        raise ApplicationError(
            _("A withdrawal can be undone for %(days)s days only (this one was on %(date)s).")
            % {"days": RESTORE_WITHDRAWAL_DAYS, "date": date_format(since, "SHORT_DATE_FORMAT")}
        )
    waiting = (
        Application.objects.filter(
            person_id=application.person_id, family_key=application.family_key, state__in=PENDING_DECISION_STATES
        )
        .exclude(pk=application.pk)
        .first()
    )
    if waiting is not None:
        raise ApplicationError(
            _("The person has filed application %(ref)s of the same kind since: examine that one instead.")
            % {"ref": waiting.reference}
        )


def appeal_deadline(application: Application):
    """The last day to appeal its refusal to the prefect, as the refusal stated it (None if unknown)."""
    refusal = application.events.filter(kind=EventKind.REFUSE).order_by("-sequence").first()
    value = (refusal.payload.get("appeal_deadline") or "")[:10] if refusal else ""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def require_an_appeal(application: Application) -> None:
    """Guard of GRANT_APPEAL: only an appeal ends as granted."""
    if application.appeal_of_id is None:
        raise TransitionNotAllowed()


def may_be_appealed(application: Application, appeals: list) -> bool:
    """The page offers "Appeal this decision": a refusal (not of an appeal: that goes to court),
    with no appeal under way. The service checks the deadline and says so if it has passed."""
    return (
        application.state == State.REFUSED
        and application.appeal_of_id is None
        and not any(appeal.state in OPEN_STATES for appeal in appeals)
    )
