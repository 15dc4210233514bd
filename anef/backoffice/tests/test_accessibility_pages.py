"""Every page of the back office, and the staff's second-factor pages, in French and in English, as
the role that works on each: axe-core finds no serious or critical violation, `<html lang>` is the
browser's language (staff have no profile language), and text enlarged to 200 % neither pushes the
page sideways nor is clipped (WCAG 1.4.4). Agents work on desktops: pages are seen at 1280 px only,
so the 320 px reflow check of the public journeys is not run here.

The pages are declared below and checked against the URL conf: a new back-office page fails
`test_every_back_office_page_is_visited` until it is added here (or listed as not a page).
Staff sign in with a session cookie rather than through the forms, to keep the module fast.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import uuid4

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.applications import review
from anef.applications.services import application_register_at_counter
from anef.appointments.services import booking_book, free_slots
from anef.assistance.models import Structure
from anef.assistance.services import helper_create, helper_deactivate, mandate_grant, structure_create

# The layout check of the public journeys, reused as is: the same criterion for agents.
from anef.core.tests.test_accessibility_pages import layout_problems
from anef.documents import services as document_services
from anef.incidents.models import Incident
from anef.messaging.services import message_send
from anef.procedures.models import Procedure
from anef.testing import (
    COUNTER_IDENTITY,
    PASSWORD,
    appointment_day_came,
    card_ready,
    letters_waiting_for,
    make_applicant,
    make_site_with_slots,
    make_staff,
    paper_person,
    pdf_upload,
    run_queued_tasks,
    submitted,
    totp_now,
    url_patterns,
)
from anef.testing.browser import serious_violations, sign_in_with_session
from anef.testing.nu import NuPages

LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}


@dataclass(frozen=True)
class Page:
    """A page as `who` sees it (a staff role, or "new_agent": staff without a second factor yet).
    `kwargs` names, for each URL parameter, the key of the value in the data; `query` likewise for
    the query string. `open_details` opens the folded panels (action forms) before the checks."""

    who: str
    name: str
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    query: dict = field(default_factory=dict)
    shows: str = ""  # a selector proving the page shows its data, not an empty state
    open_details: bool = False


PAGES = [
    # The case agent: the queue, a file in review with its documents and action forms, its messages.
    Page("case_agent", "backoffice:queue", shows="main .fr-badge--new"),
    Page(
        "case_agent",
        "backoffice:case",
        {"reference": "in_review"},
        "in review, action forms open",
        shows="main .anef-doc-row .fr-badge--error",
        open_details=True,
    ),
    Page(
        "case_agent",
        "backoffice:messages",
        {"reference": "in_review"},
        shows="main .anef-message a[href*='/messages/pieces/']",
    ),
    # The counter agent: the day's appointments, a registration, the letters and a print run.
    Page("counter_agent", "backoffice:counter_day", query={"day": "counter_day"}, shows="main button[value=attended]"),
    Page("counter_agent", "backoffice:counter_register", shows="main input[name=last_name]"),
    Page(
        "counter_agent", "backoffice:counter_summary", {"reference": "counter_filed"}, shows="main article.anef-letter"
    ),
    Page("counter_agent", "backoffice:letters", shows="main button[name=prefecture]"),
    Page("counter_agent", "backoffice:print_run", {"run": "print_run"}, shows="main a[href$='/pdf/']"),
    Page(
        "counter_agent",
        "backoffice:counter_mandate",
        {"reference": "in_review"},
        shows="main input[name=identity_checked]",
    ),
    Page(
        "counter_agent",
        "backoffice:counter_recovery",
        query={"last_name": "person_last_name", "birth_date": "person_birth_date"},
        shows="main a[href*='/guichet/recuperation/']",
    ),
    Page(
        "counter_agent",
        "backoffice:counter_recovery_issue",
        {"person_id": "person_id"},
        shows="main select[name=document]",
    ),
    # The supervisor.
    Page("supervisor", "backoffice:supervision", shows="main form[action$='/issue_api/']"),
    Page("supervisor", "backoffice:reads", shows="main tbody a[href*='/dossiers/']"),
    Page("supervisor", "backoffice:capacity", shows="main tbody tr:nth-child(2)"),
    Page(
        "supervisor",
        "backoffice:case",
        {"reference": "card"},
        "card ready, as the supervisor",
        shows="main form[action$='/assign/']",
        open_details=True,
    ),
    # The national administrator: sending problems (with failed tasks) and helper structures.
    Page("administrator", "backoffice:failures", shows="main button[name=task]"),
    Page("administrator", "backoffice:structures", shows="main tbody tr:nth-child(2) a"),
    Page("administrator", "backoffice:structure_new", shows="main input[name=name]"),
    Page("administrator", "backoffice:incidents", shows="main td form input[name=ends_at]"),
    Page("administrator", "backoffice:problem_reports"),
    Page("administrator", "backoffice:feedback", shows="main #feedback-counts"),
    Page(
        "administrator",
        "backoffice:structure",
        {"structure_id": "structure_id"},
        shows="main .fr-badge--error",
        open_details=True,
    ),
    Page(
        "administrator",
        "backoffice:structure_helper_deactivate",
        {"structure_id": "structure_id", "helper_id": "helper_id"},
        shows="main .fr-alert--warning",
    ),
    # Staff accounts (deactivation) and the security events.
    Page("administrator", "backoffice:accounts", shows="main .fr-badge--error"),
    Page("supervisor", "backoffice:accounts", label="as the supervisor", shows="main tbody a[href*='/desactiver/']"),
    Page(
        "administrator", "backoffice:account_deactivate", {"account_id": "account_id"}, shows="main .fr-alert--warning"
    ),
    Page("administrator", "backoffice:security_events", shows="main tbody tr:nth-child(2)"),
    # The second factor, which every staff account must have.
    Page("new_agent", "mfa_activate_totp"),
    Page("case_agent", "mfa_index"),
    Page("case_agent", "mfa_reauthenticate"),
    Page("case_agent", "mfa_deactivate_totp"),
    Page("case_agent", "mfa_view_recovery_codes"),
    Page("case_agent", "mfa_generate_recovery_codes"),
]
ROLES = ("case_agent", "counter_agent", "supervisor", "administrator", "new_agent")

# Pages reached only by sending a form: `answered_pages` below visits them.
ANSWERED_PAGES = {
    "mfa_authenticate": "the second factor asked after the password",
    "backoffice:act": "a case action sent empty: the file with the form's error summary",
    "backoffice:structure_helper_add": "a helper account sent empty: the structure with the form's errors",
    "backoffice:counter_register": "the registration sent empty, with its error summary",
    "backoffice:counter_recovery_issue": "the identity check sent: the letter with the code, to print",
}

NOT_PAGES = {
    "backoffice:document": "a file (the applicant's document)",
    "backoffice:attachment": "a file (a message's attachment)",
    "backoffice:issued_document": "a PDF",
    "backoffice:print_run_pdf": "a PDF",
    "backoffice:verdict": "POST only, redirects to the file",
    "backoffice:print_run_cancel": "POST only, redirects to the run",
    "backoffice:structure_helper_reactivate": "POST only, redirects to the structure",
    "backoffice:incident_close": "POST only, redirects to the incidents",
    "backoffice:account_reactivate": "POST only, redirects to the accounts",
    "mfa_download_recovery_codes": "a text file",
}


def back_office_url_names() -> set[str]:
    """Every named URL of the back office, and allauth's second-factor pages (`mfa_*`)."""
    return {
        f"{namespace}:{pattern.name}" if namespace else pattern.name
        for namespace, pattern, _modules in url_patterns()
        if namespace == "backoffice" or (not namespace and pattern.name.startswith("mfa_"))
    }


def test_every_back_office_page_is_visited():
    visited = {page.name for page in PAGES} | set(ANSWERED_PAGES)
    names = back_office_url_names()
    assert {"backoffice:queue", "backoffice:case", "mfa_index", "mfa_authenticate"} <= names
    missing = names - visited - set(NOT_PAGES)
    assert not missing, f"pages not checked for accessibility: add them to PAGES (or NOT_PAGES, with why): {missing}"
    assert not (visited | set(NOT_PAGES)) - names, "PAGES names a URL that no longer exists"
    assert {page.who for page in PAGES} <= set(ROLES)


def _slot_on_first_day(application, kind, day=None):
    """The first free slot (on `day` if given, so that the counter's day gathers the bookings)."""
    slots = list(free_slots(application=application, kind=kind, limit=50))
    on_day = [slot for slot in slots if day is None or timezone.localtime(slot.starts_at).date() == day]
    return (on_day or slots)[0]


def back_office_data() -> dict:
    """A prefecture's working day: files at each stage, a conversation, appointments, paper letters
    and a print run, failures to retry, helper structures; one account per staff role."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from django_q.models import Task

    from anef.applications.models import Application, StaffRead
    from anef.appointments.models import Booking
    from anef.certificates.sweeps import api_failure_record
    from anef.messaging.models import MessageTemplate
    from anef.notifications.constants import NotificationState
    from anef.notifications.models import Notification
    from anef.notifications.printing import print_run_prepare

    today = timezone.localdate()
    now = timezone.now()
    make_site_with_slots(days=14)
    agent = make_staff(role=Role.CASE_AGENT)
    RecoveryCodes.activate(agent)
    staff = {
        "case_agent": agent,
        "counter_agent": make_staff(role=Role.COUNTER_AGENT),
        "supervisor": make_staff(role=Role.SUPERVISOR),
        "administrator": make_staff(role=Role.ADMINISTRATOR, prefecture_code=None),
        "new_agent": make_staff(role=Role.CASE_AGENT, mfa=False),
    }

    # A file in review, taken by the agent: documents checked, a note, a conversation with an attachment.
    person = make_applicant(permit_expires_in_days=90)
    in_review = submitted(person, "student-renewal")
    review.application_take(application_id=in_review.pk, actor=agent)
    review.application_start_review(application_id=in_review.pk, actor=agent)
    documents = list(in_review.uploaded_documents.order_by("pk"))
    document_services.document_verdict_set(document_id=documents[0].pk, actor=agent, verdict="accepted")
    document_services.document_verdict_set(
        document_id=documents[-1].pk, actor=agent, verdict="rejected", reason="La copie est illisible."
    )
    review.note_add(application_id=in_review.pk, actor=agent, text="Vérifier l'inscription pour l'année en cours.")
    message_send(
        application_id=in_review.pk,
        actor=agent,
        body="Bonjour, merci d'envoyer une copie lisible.",
        uploaded=pdf_upload(),
    )
    message_send(application_id=in_review.pk, actor=person.user, body="Bonjour, je l'envoie ce soir.")
    MessageTemplate.objects.create(
        title="Dossier en cours d'instruction",
        body_fr="Bonjour, votre dossier est en cours d'instruction.",
        body_en="Hello, your application is being examined.",
    )

    # A card ready with its handover booked (never recorded), and the in-review file's biometrics
    # booked the same day: the counter's day shows both.
    card = card_ready(make_applicant())
    handover = card.invitations.get(kind="card_handover", status="open")
    slot = _slot_on_first_day(card, "card_handover")
    booking = booking_book(token=handover.token, slot_id=slot.pk, actor=card.person.user)
    Booking.objects.filter(pk=booking.pk).update(flagged_at=now)
    biometrics = in_review.invitations.get(kind="biometrics", status="open")
    biometrics_booking = booking_book(
        token=biometrics.token,
        slot_id=_slot_on_first_day(in_review, "biometrics", timezone.localtime(slot.starts_at).date()).pk,
        actor=person.user,
    )
    # The day came (presence is recorded on the day only): both appointments have begun, today.
    appointment_day_came(booking)
    appointment_day_came(biometrics_booking)
    counter_day = today

    # Supervision: new files nobody took, an idle one, a renewal about to lapse whose API failed.
    for _ in range(2):
        submitted(make_applicant(), "change-of-address")
    idle = submitted(make_applicant(), "student-renewal")
    Application.objects.filter(pk=idle.pk).update(state_changed_at=now - timedelta(days=40))
    lapsing = submitted(make_applicant(permit_expires_in_days=90), "student-renewal")  # in time
    Application.objects.filter(pk=lapsing.pk).update(  # ... 80 days ago: the permit lapses in 10 days
        filed_at=now - timedelta(days=80), permit_expires_on_at_filing=today + timedelta(days=10)
    )
    api_failure_record(lapsing.pk, today, RuntimeError("certificate service unavailable"))

    # The journal of reads.
    StaffRead.objects.create(actor=agent, application=in_review, kind=StaffRead.Kind.CASE)
    StaffRead.objects.create(actor=agent, application=in_review, document=documents[0], kind=StaffRead.Kind.DOCUMENT)

    # Paper letters: one run prepared and rendered, more letters waiting for the next one.
    letters_waiting_for(paper_person())
    run = print_run_prepare(actor=staff["counter_agent"], prefecture_id=staff["counter_agent"].prefecture_id)
    run_queued_tasks()  # the run's PDF, and every notification so far
    letters_waiting_for(paper_person())

    # Sending problems: a notification that failed, one waiting to be retried, a failed task.
    notifications = Notification.objects.filter(application=in_review).order_by("pk")
    Notification.objects.filter(pk=notifications[0].pk).update(
        state=NotificationState.FAILED, attempts=5, last_error="SMS gateway unreachable (HTTP 503)"
    )
    Notification.objects.filter(pk=notifications[1].pk).update(
        state=NotificationState.RETRYING,
        attempts=2,
        last_error="SMTP 421 try again later",
        next_attempt_at=now + timedelta(minutes=10),
    )
    Task.objects.create(
        id=uuid4().hex,
        name="issue_due_apis",
        func="anef.certificates.sweeps.issue_due_apis",
        started=now - timedelta(minutes=2),
        stopped=now - timedelta(minutes=1),
        success=False,
        result=f"ApiIssuanceFailed: API issuance failed for applications [{lapsing.pk}]; 0 issued",
    )

    # Helper structures: helpers active, deactivated, holding a mandate.
    admin = staff["administrator"]
    # An incident going on (its notice on every page, its close form) and one over.
    Incident.objects.create(title="Dépôt de pièces indisponible", starts_at=now - timedelta(hours=3), declared_by=admin)
    Incident.objects.create(
        title="Panne de messagerie",
        starts_at=now - timedelta(days=9),
        ends_at=now - timedelta(days=8),
        declared_by=admin,
        closed_by=admin,
    )
    structure = structure_create(
        name="France Services Lyon 8e",
        kind=Structure.Kind.FRANCE_SERVICES,
        address="12 avenue des Frères Lumière, 69008 Lyon",
        actor=admin,
    )
    structure_create(
        name="Cimade Lyon", kind=Structure.Kind.ASSOCIATION, address="33 rue Imbert-Colomès, 69001 Lyon", actor=admin
    )
    helper = helper_create(
        structure_id=structure.pk,
        email="lucie.fontaine@example.org",
        first_name="Lucie",
        last_name="Fontaine",
        actor=admin,
    )
    gone = helper_create(
        structure_id=structure.pk, email="marc.durand@example.org", first_name="Marc", last_name="Durand", actor=admin
    )
    helper_deactivate(helper_id=gone.pk, actor=admin)
    mandate_grant(person=person, helper_email=helper.email, ends_on=today + timedelta(days=90))
    run_queued_tasks()  # the helpers' invitations

    # A person registered at the counter, whose summary the counter prints.
    counter_filed = application_register_at_counter(
        actor=staff["counter_agent"],
        procedure=Procedure.objects.get(code="change-of-address"),
        identity={**COUNTER_IDENTITY, "date_of_birth": date(1980, 3, 4), "last_name": "Diallo"},
    )

    return {
        "staff": staff,
        "in_review": in_review.reference,
        "counter_filed": counter_filed.reference,
        "card": card.reference,
        "counter_day": counter_day.isoformat(),
        "print_run": run.number,
        "structure_id": structure.pk,
        "helper_id": helper.pk,
        "account_id": staff["counter_agent"].pk,
        "person_id": person.pk,
        "person_last_name": person.last_name[:5],  # "Traor": the search takes part of the name
        "person_birth_date": person.date_of_birth.isoformat(),
    }


class Walk:
    """One browser page for one language; each check files what it finds under its criterion."""

    def __init__(self, page, language):
        self.page, self.language = page, language
        self.problems = {"axe": [], "lang": [], "200%": []}
        self.checked = 0
        self.nu = NuPages(page)

    def check(self):
        page = self.page
        self.nu.capture(page)
        self.problems["axe"] += serious_violations(page)
        lang = page.evaluate("document.documentElement.lang")
        if lang != self.language:
            self.problems["lang"].append(f"{page.url}: lang={lang!r}")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        self.problems["200%"] += layout_problems(page, "text at 200 %")
        page.evaluate("document.documentElement.style.fontSize = ''")
        self.checked += 1

    def visit(self, url, shows="", open_details=False):
        response = self.page.goto(self.page.base + url)
        assert response.ok, f"{url} answered {response.status}"
        assert self.page.url == self.page.base + url, f"{url} sent the browser to {self.page.url}"
        assert not shows or self.page.locator(shows).count(), f"{url} does not show {shows}: check the data"
        if open_details:
            self.page.evaluate("document.querySelectorAll('main details').forEach((d) => { d.open = true; })")
        self.check()


def submit_empty(walk, form_selector):
    """Open the form's panel if it is folded, send it empty, check the page that answers."""
    page = walk.page
    page.evaluate(
        "(selector) => { const panel = document.querySelector(selector).closest('details');"
        " if (panel) panel.open = true; }",
        form_selector,
    )
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()
    assert page.locator("#error-summary, .fr-error-text").count() >= 1, f"no error shown at {page.url}"
    walk.check()


def answered_pages(walk, data, who):
    """The pages reached by sending a form, as `who`."""
    page = walk.page
    if who == "case_agent":
        page.goto(page.base + reverse("backoffice:case", kwargs={"reference": data["in_review"]}))
        submit_empty(walk, "form[action$='/request_information/']")
    elif who == "counter_agent":
        page.goto(page.base + reverse("backoffice:counter_register"))
        submit_empty(walk, "main form[method=post]")
        page.goto(page.base + reverse("backoffice:counter_recovery_issue", kwargs={"person_id": data["person_id"]}))
        page.select_option("select[name=document]", "passport")
        page.fill("input[name=document_number]", "19AB12345")
        page.click("label[for=id_checked_in_person]")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert page.locator("main article.anef-letter").count() == 2
        walk.check()
    elif who == "administrator":
        page.goto(page.base + reverse("backoffice:structure", kwargs={"structure_id": data["structure_id"]}))
        submit_empty(walk, "form[action$='/aidants/']")
    elif who == "supervisor":
        # Through the forms: the second factor's page comes after the password.
        supervisor = data["staff"]["supervisor"]
        page.context.clear_cookies()
        page.goto(page.base + reverse("account_login"))
        page.fill("input[name=login]", supervisor.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/2fa/authenticate/")
        walk.check()
        page.fill("input[name=code]", totp_now(supervisor.totp_secret))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/agents/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_back_office_page_is_accessible_with_text_at_200_percent(browser_context, language):
    data = back_office_data()
    walk = Walk(browser_context(locale=LANGUAGES[language]), language)
    for who in ROLES:
        sign_in_with_session(walk.page, data["staff"][who])
        for page in PAGES:
            if page.who == who:
                url = reverse(page.name, kwargs={key: data[value] for key, value in page.kwargs.items()})
                if page.query:
                    url += "?" + "&".join(f"{key}={data[value]}" for key, value in page.query.items())
                walk.visit(url, page.shows, page.open_details)
        answered_pages(walk, data, who)

    assert walk.checked >= len(PAGES) + len(ANSWERED_PAGES)
    walk.problems["W3C Nu HTML checker"] = walk.nu.check()
    failures = {criterion: found for criterion, found in walk.problems.items() if found}
    assert not failures, "\n".join(f"[{criterion}] {line}" for criterion, found in failures.items() for line in found)
