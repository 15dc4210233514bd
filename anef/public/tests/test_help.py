"""The help page: the prefecture's contacts and hours, the counters and helpers near the person, and
a form to report a problem that reaches the administrators and counts on the incidents."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.assistance.models import Structure
from anef.incidents.models import Incident, ProblemReport
from anef.territory.models import Prefecture
from anef.testing import make_applicant, make_site_with_slots, make_staff, run_queued_tasks

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = "/aide/"


@pytest.fixture(autouse=True)
def lyon():
    cache.clear()
    Prefecture.objects.filter(code="pref-69").update(phone="04 99 00 69 00", email="etrangers@rhone.example")
    site = make_site_with_slots(days=1)
    admin = make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)
    Structure.objects.create(
        name="France Services Lyon 7e",
        kind="france_services",
        address="18 rue Saint-Michel, 69007 Lyon",
        vouched_by=admin,
    )
    Structure.objects.create(
        name="Cimade Bordeaux", kind="association", address="5 rue X, 33000 Bordeaux", vouched_by=admin
    )
    return site


def test_the_help_page_is_linked_from_every_page_header_and_footer(client):
    home = client.get(reverse("public:home"), **EN).content.decode()
    assert reverse("public:help") == URL
    assert home.count(f'href="{URL}"') >= 2  # the header's quick link and the footer
    assert f'href="{URL}?page=/#report"' in home  # "Report a problem", with the page it comes from


def test_a_signed_in_applicant_sees_their_own_prefecture_its_hours_and_the_helpers_near_them(client, lyon):
    client.force_login(make_applicant(postcode="69003", language="en").user)
    page = client.get(URL, **EN).content.decode()
    assert "From your address" in page and "Rhône" in page
    assert "04 99 00 69 00" in page and "etrangers@rhone.example" in page
    assert lyon.name in page and "Monday" in page and "counter" in page
    assert "France Services Lyon 7e" in page and "Cimade Bordeaux" not in page


def test_an_anonymous_visitor_chooses_a_departement(client):
    page = client.get(URL, **EN).content.decode()
    assert "Choose your département" in page and "France Services" not in page
    page = client.get(URL, {"departement": "33"}, **EN).content.decode()
    assert "For the département 33" in page and "Cimade Bordeaux" in page and "France Services Lyon 7e" not in page


def test_an_anonymous_report_is_kept_mailed_to_the_administrators_and_counted_on_the_incident(client):
    admin = make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)
    incident = Incident.objects.create(
        title="Envoi impossible", starts_at=timezone.now() - timedelta(hours=2), declared_by=admin
    )
    answer = client.post(
        URL, {"what_happened": "The upload button does nothing.", "page": "/espace/", "contact": "06 12 34 56 78"}, **EN
    )
    assert answer.status_code == 302
    report = ProblemReport.objects.get()
    assert report.reporter is None and report.page == "/espace/" and report.contact == "06 12 34 56 78"
    assert "your report has reached" in client.get(answer["Location"], **EN).content.decode()

    run_queued_tasks()
    run_queued_tasks()
    assert len(mail.outbox) == 1  # once, even if the task runs again
    message = mail.outbox[0]
    assert admin.email in message.to and "The upload button does nothing." in message.body
    assert reverse("backoffice:problem_reports") in message.body

    public = client.get(reverse("public:incidents"), **EN).content.decode()
    assert "1 problem reported by users during it" in public
    client.force_login(admin)
    listed = client.get(reverse("backoffice:problem_reports"), **EN).content.decode()
    assert "The upload button does nothing." in listed and "06 12 34 56 78" in listed
    back = client.get(reverse("backoffice:incidents"), **EN).content.decode()
    assert "<td>1</td>" in back and incident.title in back


@pytest.mark.parametrize(
    "data",
    [
        {"what_happened": "", "page": "/", "contact": ""},
        {"what_happened": "broken", "page": "/", "contact": ""},  # too short to act on
        {"what_happened": "Nothing works on the page.", "page": "/", "contact": "not a contact"},
        {"what_happened": "Nothing works on the page.", "page": "/", "contact": "name@"},
        {"what_happened": "x" * 2001, "page": "/", "contact": ""},
    ],
)
def test_bad_input_changes_nothing_and_keeps_what_was_typed(client, data):
    answer = client.post(URL, data, **EN)
    assert answer.status_code == 400
    assert ProblemReport.objects.count() == 0
    assert 'aria-invalid="true"' in answer.content.decode()


def test_reports_are_rate_limited_per_connection(client):
    data = {"what_happened": "The page is blank again.", "page": "", "contact": ""}
    for _ in range(10):
        assert client.post(URL, data, REMOTE_ADDR="203.0.113.9", **EN).status_code == 302
    refused = client.post(URL, data, REMOTE_ADDR="203.0.113.9", **EN)
    assert refused.status_code == 429 and "Too many reports" in refused.content.decode()
    assert ProblemReport.objects.count() == 10
    assert client.post(URL, data, REMOTE_ADDR="198.51.100.7", **EN).status_code == 302


def test_a_signed_in_persons_report_names_them_and_their_prefecture(client):
    person = make_applicant(postcode="69003", language="en")
    client.force_login(person.user)
    client.post(URL, {"what_happened": "My document is refused.", "page": "", "contact": ""}, **EN)
    report = ProblemReport.objects.get()
    assert report.reporter == person.user and report.prefecture.code == "pref-69"


def test_only_the_national_administrator_lists_the_reports(client):
    client.force_login(make_staff(role=Role.SUPERVISOR))
    assert client.get(reverse("backoffice:problem_reports")).status_code in (403, 404)
