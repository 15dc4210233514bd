"""Every page of the applicant's, the helper's and the public journeys, in French and in English:
axe-core finds no serious or critical violation, `<html lang>` is the person's language, nothing
scrolls sideways at 320 px (WCAG 1.4.10), and text enlarged to 200 % neither overflows nor is
clipped (WCAG 1.4.4).

The pages are declared below and checked against the URL confs: a new page of these journeys fails
`test_every_page_of_the_journeys_is_visited` until it is added here (or listed as not a page).
People sign in with a session cookie rather than through the forms, to keep the module fast.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import IdentityDocument, Role
from anef.accounts.recovery import recovery_code_issue
from anef.applications import review
from anef.appointments.services import booking_book, free_slots, waitlist_join
from anef.assistance.services import mandate_grant, mandate_request_paper
from anef.incidents.models import Incident
from anef.messaging.services import message_send
from anef.sharing.services import share_code_check, share_code_create
from anef.testing import (
    PASSWORD,
    card_ready,
    complete,
    draft,
    make_applicant,
    make_helper,
    make_site_with_slots,
    make_staff,
    pdf_upload,
    run_queued_tasks,
    submitted,
    totp_now,
    url_patterns,
)
from anef.testing.browser import follow, serious_violations, sign_in_with_session
from anef.testing.nu import NuPages
from anef.transparency.services import figures_backfill

LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}
NAMESPACES = {"public", "portal", "helperspace"}


@dataclass(frozen=True)
class Page:
    """A page as `who` sees it: anonymous, applicant or helper. `kwargs` names, for each URL
    parameter, the key of the value in the journey's data."""

    who: str
    name: str
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    redirects: bool = False  # the page moves to another address of its own (allauth hides reset keys)


PAGES = [
    # The public journey and the account pages before signing in.
    Page("anonymous", "public:home"),
    Page("anonymous", "public:catalogue"),
    Page("anonymous", "public:procedure", {"code": "procedure_code"}),
    Page("anonymous", "public:verify"),
    Page("anonymous", "public:check_right"),
    Page("anonymous", "public:privacy"),
    Page("anonymous", "public:accessibility"),
    Page("anonymous", "public:statistics"),
    Page("anonymous", "public:incidents"),
    Page("anonymous", "public:help"),
    Page("anonymous", "public:statistics_history", {"code": "procedure_code"}),
    Page("anonymous", "account_login"),
    Page("anonymous", "account_signup"),
    Page("anonymous", "account_email_verification_sent"),
    Page("anonymous", "account_confirm_email", {"key": "confirmation_key"}),
    Page("anonymous", "account_reset_password"),
    Page("anonymous", "account_reset_password_done"),
    Page("anonymous", "account_reset_password_from_key", {"uidb36": "uidb36", "key": "reset_key"}, redirects=True),
    Page("anonymous", "account_reset_password_from_key_done"),
    Page("anonymous", "account_inactive"),
    Page("anonymous", "socialaccount_login_cancelled", label="back from FranceConnect without signing in"),
    Page("anonymous", "portal:recovery"),
    Page("anonymous", "portal:recovery_sms"),
    Page("anonymous", "portal:recovery_paper"),
    # The applicant's space.
    Page("applicant", "portal:dashboard"),
    Page("applicant", "public:privacy", label="with the links to the person's space"),
    Page("applicant", "public:help", label="with the person's prefecture and the helpers near them"),
    Page("applicant", "portal:profile"),
    Page("applicant", "portal:notifications"),
    Page("applicant", "portal:issued_documents"),
    Page("applicant", "portal:sharing"),
    Page("applicant", "portal:helpers"),
    Page("applicant", "portal:claim"),
    Page("applicant", "portal:eligibility", {"reference": "draft"}),
    Page("applicant", "portal:form", {"reference": "draft"}),
    Page("applicant", "portal:documents", {"reference": "draft"}),
    Page("applicant", "portal:application_profile", {"reference": "draft"}),
    Page("applicant", "portal:review", {"reference": "draft"}, "missing items"),
    Page("applicant", "portal:review", {"reference": "complete"}, "ready to submit"),
    Page("applicant", "portal:application", {"reference": "awaiting"}, "a request to answer"),
    Page("applicant", "portal:documents", {"reference": "awaiting"}, "upload with a reason"),
    Page("applicant", "portal:messages", {"reference": "awaiting"}),
    Page("applicant", "portal:withdraw", {"reference": "awaiting"}),
    Page("applicant", "portal:submitted", {"reference": "awaiting"}, "the confirmation of a filing"),
    Page("applicant", "portal:feedback"),
    Page("applicant", "portal:application", {"reference": "card"}, "appointments and documents"),
    Page("applicant", "portal:booking", {"token": "token"}),
    Page("applicant", "portal:booking_manage", {"booking_id": "booking_id"}),
    Page("applicant", "portal:offer", {"offer_token": "offer_token"}),
    Page("applicant", "account_email"),
    Page("applicant", "account_change_password"),
    Page("applicant", "account_reauthenticate"),
    Page("applicant", "account_logout"),
    Page("applicant", "mfa_index"),
    Page("applicant", "mfa_activate_totp"),
    # The helper's space, and the person's application as the helper sees it.
    Page("helper", "helperspace:dashboard"),
    Page("helper", "helperspace:paper_mandate"),
    Page("helper", "helperspace:confirm_mandate"),
    Page("helper", "helperspace:recovery_issue", {"person_id": "person_id"}),
    Page("helper", "portal:application", {"reference": "awaiting"}, "as the helper"),
    Page("helper", "portal:application_profile", {"reference": "draft"}, "as the helper"),
    Page("helper", "portal:review", {"reference": "draft"}, "as the helper"),
    Page("helper", "mfa_index"),
    Page("helper", "mfa_reauthenticate"),
    Page("helper", "mfa_deactivate_totp"),
    Page("helper", "mfa_view_recovery_codes"),
    Page("helper", "mfa_generate_recovery_codes"),
]

# Pages reached only by sending a form: `answered_pages` below visits them.
ANSWERED_PAGES = {
    "account_login": "the sign-in form with its error summary",
    "mfa_authenticate": "the second factor asked after the password",
    "public:check_right": "the result of a check",
    "public:verify": "the verdict on a document",
    "portal:eligibility": "the answer that the person is not eligible",
    "portal:recovery_sms_code": "the code asked by text message: where to type it",
    "portal:recovery_done": "a paper recovery code used: the account recovered",
}

NOT_PAGES = {
    "public:check_right_proof": "a PDF",
    "public:keys": "JSON",
    "portal:start": "POST only, redirects to the first step",
    "portal:reopen": "POST only, redirects",
    "portal:answer": "POST only, redirects",
    "portal:waitlist": "POST only, redirects",
    "portal:inquiry": "POST only, redirects (its form is on the application page)",
    "portal:appeal": "POST only, redirects to the appeal's form",
    "portal:document": "a file",
    "portal:attachment": "a file",
    "portal:issued_document_pdf": "a PDF",
    "portal:application_issued_document": "a PDF",
    "portal:data_export": "a ZIP file",
    "helperspace:start": "POST only, redirects to the first step",
    "helperspace:end_mandate": "POST only, redirects to the dashboard",
    "account_set_password": "redirects to the change of password when the account has one (an account made "
    "by FranceConnect has none: anef/portal/tests/test_franceconnect_browser.py checks the page)",
    "portal:franceconnect_login": "POST only, off to FranceConnect (the browser test walks the journey)",
    "portal:franceconnect_callback": "back from FranceConnect: signs in and redirects",
    "portal:franceconnect_unlink": "POST only, redirects to the profile",
    "socialaccount_login_error": "answers 401 (a FranceConnect sign-in that failed): allauth's page in our elements",
    "socialaccount_connections": "closed (404): FranceConnect is linked and unlinked from the profile",
    "socialaccount_signup": "only mid-way through a FranceConnect sign-in that gave no email (it always gives one)",
    "account_confirm_login_code": "sign-in by emailed code is off",
    "mfa_download_recovery_codes": "a text file",
}


def journey_url_names() -> set[str]:
    """Every named URL of the public, applicant and helper journeys, and allauth's account and
    second-factor pages (mounted under /compte/)."""
    names = set()
    for namespace, pattern, modules in url_patterns():
        if namespace in NAMESPACES:
            names.add(f"{namespace}:{pattern.name}")
        elif any(module.startswith("allauth.") for module in modules):
            names.add(pattern.name)
    return names


def test_every_page_of_the_journeys_is_visited():
    visited = {page.name for page in PAGES} | set(ANSWERED_PAGES)
    names = journey_url_names()
    assert {"public:home", "portal:dashboard", "helperspace:dashboard", "account_login", "mfa_index"} <= names
    missing = names - visited - set(NOT_PAGES)
    assert not missing, f"pages not checked for accessibility: add them to PAGES (or NOT_PAGES, with why): {missing}"
    assert not (visited | set(NOT_PAGES)) - names, "PAGES names a URL that no longer exists"


def journey_data(language: str) -> dict:
    """One applicant with a file at each stage, a helper under mandate, codes and keys for the
    account pages."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from anef.accounts.models import User

    today = timezone.localdate()
    make_site_with_slots(days=21)
    person = make_applicant(language=language, permit_expires_in_days=90, allows_work=True)
    helper = make_helper()
    RecoveryCodes.activate(helper)
    mandate_grant(person=person, helper_email=helper.email, ends_on=today + timedelta(days=60))
    # Another helper's paper mandate waits for the person's agreement (shown on their helpers page).
    mandate_request_paper(
        helper=make_helper(structure_name="Association Lyon 8e"),
        person_email=person.user.email,
        birth_date=person.date_of_birth,
        ends_on=today + timedelta(days=60),
        uploaded=pdf_upload(),
    )
    agent = make_staff()

    # Started before the other change of address was filed (after, it would be refused at its start).
    complete_move = complete(draft(person, "change-of-address"))
    awaiting = submitted(person, "change-of-address")
    review.application_start_review(application_id=awaiting.pk, actor=agent)
    review.application_request_information(
        application_id=awaiting.pk,
        actor=agent,
        items=["Justificatif de domicile de moins de trois mois"],
        message="Merci d'envoyer un justificatif récent.",
        deadline=today + timedelta(days=30),
    )
    message_send(application_id=awaiting.pk, actor=agent, body="Bonjour, voir la demande.", uploaded=pdf_upload())
    message_send(application_id=awaiting.pk, actor=person.user, body="Bien reçu, je l'envoie demain.")

    card = card_ready(person)
    handover = card.invitations.get(kind="card_handover", status="open")
    slots = list(free_slots(application=card, kind="card_handover"))
    booking = booking_book(token=handover.token, slot_id=slots[-1].pk, actor=person.user)
    entry = waitlist_join(booking_id=booking.pk, actor=person.user)
    entry.offered_slot, entry.offer_token = slots[0], "offer-token-for-the-accessibility-walk"
    entry.save(update_fields=["offered_slot", "offer_token"])
    invitation = card.invitations.create(kind="biometrics", assign_after=timezone.now() + timedelta(days=7))

    share_code = share_code_create(person=person, purpose="work")
    share_code_check(code=share_code.code, birth_date=person.date_of_birth, verifier="Garage Martin")

    # Another person lost access: the counter gave them a recovery code on paper.
    lost = make_applicant(language=language)
    _row, paper_code = recovery_code_issue(
        person_id=lost.pk,
        actor=make_staff(role=Role.COUNTER_AGENT),
        document=IdentityDocument.PASSPORT,
        document_number="19AB12345",
    )

    unverified = User.objects.create_user("new-applicant@example.org", PASSWORD)
    address = EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    run_queued_tasks()  # notifications
    figures_backfill(weeks=2)  # the statistics pages show their tables
    Incident.objects.create(  # its notice shows on every page
        title="Service interruption",
        starts_at=timezone.now() - timedelta(hours=2),
        declared_by=make_staff(role="administrator"),
    )
    return {
        "person": person,
        "helper": helper,
        "procedure_code": "student-renewal",
        "draft": draft(person, "student-renewal").reference,
        "ineligible": draft(person, "student-renewal").reference,
        "complete": complete_move.reference,
        "awaiting": awaiting.reference,
        "card": card.reference,
        "token": invitation.token,
        "booking_id": booking.pk,
        "offer_token": entry.offer_token,
        "share_code": share_code.code,
        "document_number": awaiting.issued_documents.get(type="attestation_depot").number,
        "confirmation_key": EmailConfirmationHMAC(address).key,
        "uidb36": user_pk_to_url_str(person.user),
        "reset_key": default_token_generator.make_token(person.user),
        "person_id": person.pk,
        "paper_code": paper_code,
        "lost": lost,
    }


# Layout checks, run in the page. An element "sticks out" when it passes the viewport's right
# edge while its parent does not: that names the culprit of a horizontal scroll.
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    if (rect.width && rect.right > width + 1 && parent.right <= width + 1) culprits.push(describe(el));
  }
  const clipped = [];  // text cut off by a box that hides what overflows it (not screen-reader-only text)
  const hides = (value) => value === 'hidden' || value === 'clip';
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (el.classList.contains('fr-sr-only') || el.clientWidth <= 1 || !el.innerText.trim()) continue;
    if ((hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
        || (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1)) clipped.push(describe(el));
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
          culprits: culprits.slice(0, 5), clipped: clipped.slice(0, 5)};
}"""


def layout_problems(page, what: str) -> list[str]:
    found = page.evaluate(OVERFLOW_JS)
    problems = []
    if found["scrollWidth"] > found["innerWidth"]:
        problems.append(
            f"{page.url} {what}: page {found['scrollWidth']} px wide for {found['innerWidth']} px, "
            f"sticking out: {found['culprits']}"
        )
    if found["clipped"]:
        problems.append(f"{page.url} {what}: text clipped in {found['clipped']}")
    return problems


class Walk:
    """One browser page for one language; each check files what it finds under its criterion."""

    def __init__(self, page, language):
        self.page, self.language = page, language
        self.problems = {"axe": [], "lang": [], "320px": [], "200%": []}
        self.checked = 0
        self.nu = NuPages(page)

    def check(self):
        page = self.page
        self.nu.capture(page)
        self.problems["axe"] += serious_violations(page)
        lang = page.evaluate("document.documentElement.lang")
        if lang != self.language:
            self.problems["lang"].append(f"{page.url}: lang={lang!r}")
        page.set_viewport_size({"width": 320, "height": 900})
        self.problems["320px"] += layout_problems(page, "at 320 px")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        self.problems["200%"] += layout_problems(page, "text at 200 %")
        page.evaluate("document.documentElement.style.fontSize = ''")
        self.checked += 1

    def visit(self, url, redirects=False):
        response = self.page.goto(self.page.base + url)
        assert response.ok, f"{url} answered {response.status}"
        if not redirects:
            assert self.page.url == self.page.base + url, f"{url} sent the browser to {self.page.url}"
        self.check()


def answered_pages(walk, data, who):
    """The pages reached by sending a form, for the person signed in as `who`."""
    page = walk.page
    if who == "anonymous":
        page.goto(page.base + reverse("account_login"))
        follow(page.locator("main form button[type=submit]"))
        assert page.locator("#error-summary").count() == 1
        walk.check()
        page.goto(page.base + reverse("public:check_right"))
        page.fill("input[name=code]", data["share_code"])
        page.fill("input[name=birth_date]", data["person"].date_of_birth.isoformat())
        follow(page.locator("main form button[type=submit]"))
        assert page.locator(".fr-alert--success").count() == 1
        walk.check()
        page.goto(page.base + reverse("public:verify"))
        page.fill("input[name=number]", data["document_number"])
        page.fill("input[name=birth_date]", data["person"].date_of_birth.isoformat())
        follow(page.locator("main form button[type=submit]"))
        assert page.locator("#verdict").count() == 1
        walk.check()
        # Lost access: a code asked by text message, then a paper code used.
        page.goto(page.base + reverse("portal:recovery_sms"))
        page.fill("input[name=birth_date]", data["person"].date_of_birth.isoformat())
        page.fill("input[name=phone]", "06 12 34 56 78")
        follow(page.locator("main form button[type=submit]"))
        page.wait_for_url("**" + reverse("portal:recovery_sms_code"))
        walk.check()
        page.goto(page.base + reverse("portal:recovery_paper"))
        page.fill("input[name=code]", data["paper_code"])
        page.fill("input[name=birth_date]", data["lost"].date_of_birth.isoformat())
        page.fill("input[name=new_email]", "lost.found@example.org")
        page.fill("input[name=password1]", "Sunflower-Harbour-2026")
        page.fill("input[name=password2]", "Sunflower-Harbour-2026")
        follow(page.locator("main form button[type=submit]"))
        page.wait_for_url("**" + reverse("portal:recovery_done"))
        walk.check()
        # The helper signs in through the forms: the second factor's page comes after the password.
        helper = data["helper"]
        page.goto(page.base + reverse("account_login"))
        page.fill("input[name=login]", helper.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/2fa/authenticate/")
        walk.check()
        page.fill("input[name=code]", totp_now(helper.totp_secret))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/aidant/")
        page.context.clear_cookies()
    elif who == "applicant":
        page.goto(page.base + reverse("portal:eligibility", kwargs={"reference": data["ineligible"]}))
        for radio in page.locator("main input[type=radio][value=no]").all():
            page.click(f"label[for={radio.get_attribute('id')}]")
        follow(page.locator("main form button[name=continue]"))
        assert page.locator("main .fr-alert--warning").count() == 1
        walk.check()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_journey_page_is_accessible_and_reflows(browser_context, language):
    data = journey_data(language)
    walk = Walk(browser_context(locale=LANGUAGES[language]), language)
    users = {"applicant": data["person"].user, "helper": data["helper"]}
    for who in ("anonymous", "applicant", "helper"):
        if who == "anonymous":
            walk.page.context.clear_cookies()
        else:
            sign_in_with_session(walk.page, users[who])
        for page in PAGES:
            if page.who == who:
                url = reverse(page.name, kwargs={key: data[value] for key, value in page.kwargs.items()})
                walk.visit(url, page.redirects)
        answered_pages(walk, data, who)

    assert walk.checked >= len(PAGES) + len(ANSWERED_PAGES)
    walk.problems["W3C Nu HTML checker"] = walk.nu.check()
    failures = {criterion: found for criterion, found in walk.problems.items() if found}
    assert not failures, "\n".join(f"[{criterion}] {line}" for criterion, found in failures.items() for line in found)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_layout_checks_do_report_a_sideways_scroll_and_clipped_text(browser_context):
    """Guard against checks that silently pass."""
    page = browser_context(width=320)
    page.set_content(
        '<html lang="en"><body><main><p style="width: 500px">Too wide</p>'
        '<p style="width: 5rem; overflow: hidden; white-space: nowrap">A sentence cut off</p></main></body></html>'
    )
    found = layout_problems(page, "at 320 px")
    assert any("px wide for 320 px" in line for line in found), found
    assert any("text clipped" in line for line in found), found
