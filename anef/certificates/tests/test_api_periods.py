"""Issue 14: the API lasts three calendar months, carries the rights of the permit renewed (a visitor
card: the right to stay, not to work), leaves no day uncovered while a renewal is reopened for
correction, is never back-dated nor issued expired, and "My documents" never shows an expired one
as valid."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from anef.accounts.constants import PermitType
from anef.accounts.models import Person
from anef.applications import review, services
from anef.applications.models import Application
from anef.certificates.models import IssuedDocument
from anef.certificates.sweeps import api_period, issue_due_apis
from anef.sharing.constants import RightVerdict
from anef.sharing.services import share_code_create
from anef.testing import appealed, make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db


def _day(value: date) -> str:
    return date_format(value, "d/m/Y")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2027, 2, 17), date(2027, 5, 16)),
        (date(2026, 11, 30), date(2027, 2, 28)),  # no 30 February: the month's last day
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2027, 1, 31), date(2027, 4, 30)),
        (date(2027, 10, 1), date(2027, 12, 31)),
    ],
)
def test_an_api_lasts_three_calendar_months(start, end):
    assert api_period(start) == (start, end)


def _renewal_expiring_on(expiry: date, code: str = "student-renewal", **person) -> Application:
    applicant = make_applicant(permit_expires_in_days=61, **person)
    application = submitted(applicant, code)
    assert application.filed_in_time
    Application.objects.filter(pk=application.pk).update(permit_expires_on_at_filing=expiry)
    Person.objects.filter(pk=applicant.pk).update(permit_expires_on=expiry)
    application.refresh_from_db()
    return application


def test_the_api_after_a_permit_ending_on_16_february_runs_from_17_february_to_16_may_on_my_documents(client):
    application = _renewal_expiring_on(date(2027, 2, 16), language="en")

    issue_due_apis(today=date(2027, 2, 5))

    api = IssuedDocument.objects.get(application=application, type="api")
    assert (api.valid_from, api.valid_until) == (date(2027, 2, 17), date(2027, 5, 16))
    client.force_login(application.person.user)
    page = client.get(reverse("portal:issued_documents"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "17/02/2027 → 16/05/2027" in page


def test_a_visitor_renewal_gets_an_api_with_the_right_to_stay_but_not_to_work(client):
    # The visitor ticked "my permit allows work": the catalogue, not the checkbox, says what the API carries.
    today = timezone.localdate()
    application = _renewal_expiring_on(
        today + timedelta(days=10), "visitor-renewal", permit_type=PermitType.VISITOR, allows_work=True, language="en"
    )

    issue_due_apis(today=today)

    api = IssuedDocument.objects.get(application=application, type="api")
    assert api.rights == {"residence": True, "work": False}
    # The employer reads "may stay but not work", the landlord reads that the right holds.
    person = application.person
    IssuedDocument.objects.filter(pk=api.pk).update(valid_from=today)  # the permit has ended: the API is today's
    for purpose, verdict, words in [
        ("work", RightVerdict.STAY_WITHOUT_WORK, "The person may stay in France but may not work"),
        ("housing", RightVerdict.HOLDS, "The right holds"),
    ]:
        code = share_code_create(person=person, purpose=purpose)
        body = client.post(
            reverse("public:check_right"),
            {"code": code.display, "birth_date": person.date_of_birth.isoformat()},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        assert f'data-verdict="{verdict}"' in body and words in body


def test_a_renewal_reopened_for_correction_near_expiry_leaves_no_day_uncovered_and_no_api_back_dated():
    today = timezone.localdate()
    expiry = today + timedelta(days=5)
    application = _renewal_expiring_on(expiry)
    person = application.person
    services.application_reopen(application_id=application.pk, actor=person.user)  # a draft again

    issued_on = {}
    day = today
    while day <= expiry + timedelta(days=100):
        if day == expiry + timedelta(days=20):  # corrected and sent again, after the permit ended
            services.application_submit(application_id=application.pk, actor=person.user)
        issue_due_apis(today=day)
        for number in application.issued_documents.filter(type="api").values_list("number", flat=True):
            issued_on.setdefault(number, day)
        day += timedelta(days=1)

    apis = list(IssuedDocument.objects.filter(application=application, type="api").order_by("valid_from"))
    assert len(apis) >= 2
    covered = expiry
    for api in apis:
        assert api.valid_from == covered + timedelta(days=1), f"gap or overlap before {api.valid_from}"
        assert issued_on[api.number] < api.valid_from, "back-dated"
        covered = api.valid_until
    assert covered >= expiry + timedelta(days=100)


def test_an_api_after_an_appeal_reopened_an_expired_renewal_starts_the_day_it_is_issued(client):
    today = timezone.localdate()
    application = _renewal_expiring_on(today + timedelta(days=10), language="en")
    issue_due_apis(today=today)
    agent = make_staff()
    review.application_start_review(application_id=application.pk, actor=agent)
    review.application_refuse(application_id=application.pk, actor=agent, ground="other", text="No")
    assert not IssuedDocument.objects.filter(application=application, type="api", status="valid").exists()
    appealed(Application.objects.get(pk=application.pk), decide="accept")  # the refusal is withdrawn
    application.refresh_from_db()
    assert application.state == "in_review"

    # Months after the permit ended, the sweep covers the reopened renewal again.
    later = today + timedelta(days=200)
    issue_due_apis(today=later)

    api = IssuedDocument.objects.filter(application=application, type="api", status="valid").get()
    assert api.valid_from == later, "back-dated"
    assert api.valid_until == api_period(later)[1] >= later, "issued already expired"


def test_my_documents_never_shows_an_expired_api_as_valid(client):
    today = timezone.localdate()
    application = _renewal_expiring_on(today + timedelta(days=10), language="en")
    issue_due_apis(today=today)
    api = IssuedDocument.objects.get(application=application, type="api")
    # Three months later: the API (still "valid" in its status) has run out.
    IssuedDocument.objects.filter(pk=api.pk).update(
        valid_from=today - timedelta(days=100), valid_until=today - timedelta(days=10)
    )
    client.force_login(application.person.user)

    page = client.get(reverse("portal:issued_documents"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    row = page.split(f"n° {api.number}", 1)[1].split("</tr>", 1)[0]
    assert "Expired document" in row and "Valid document" not in row
    assert _day(today - timedelta(days=10)) in row
