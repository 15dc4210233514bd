"""Incidents: declared by an administrator through the back office, shown on every page while they
last; once closed, the deadlines that fell inside them move later by their length, once."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.applications import sweeps
from anef.applications.models import InformationRequest
from anef.applications.selectors import is_filed_in_time
from anef.applications.workflow import EventKind
from anef.incidents.models import DeadlineExtension, Incident
from anef.incidents.services import incident_extend_deadlines
from anef.notifications.models import Notification
from anef.territory.models import Prefecture
from anef.testing import awaiting_answer, make_applicant, make_staff, run_queued_tasks

pytestmark = pytest.mark.django_db
MOMENT = "%Y-%m-%dT%H:%M"


def awaiting(deadline: date, postcode: str = "69003"):
    return awaiting_answer(deadline=deadline, postcode=postcode, language="en")


def deadline_of(application) -> date:
    return InformationRequest.objects.get(application=application).deadline


@pytest.fixture
def admin_client(client):
    client.force_login(make_staff(role=Role.ADMINISTRATOR, prefecture_code=None))
    return client


def declare(client, days_ago: float, lasted_hours: float | None = None, prefecture: str = ""):
    start = timezone.localtime().replace(hour=12, minute=0) - timedelta(days=days_ago)  # whatever the hour now
    data = {"title": "Upload broken", "description": "Files could not be sent.", "prefecture": prefecture}
    data["starts_at"] = start.strftime(MOMENT)
    data["ends_at"] = (start + timedelta(hours=lasted_hours)).strftime(MOMENT) if lasted_hours else ""
    return client.post(reverse("backoffice:incidents"), data)


def test_an_ongoing_incident_shows_on_every_page_and_holds_overdue_requests(admin_client, client):
    today = timezone.localdate()
    late = awaiting(today - timedelta(days=1))
    assert declare(admin_client, days_ago=3).status_code == 302
    incident = Incident.objects.get()
    assert incident.ends_at is None

    client.logout()
    home = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Upload broken" in home and "deadlines that fall in this period will be extended" in home
    assert sweeps.escalate_overdue_requests() == 0  # nobody is late during the incident
    assert InformationRequest.objects.get(application=late).escalated_at is None


def test_closing_it_moves_the_deadlines_inside_it_once_and_tells_the_person(admin_client):
    today = timezone.localdate()
    inside = awaiting(today - timedelta(days=2))
    before = awaiting(today - timedelta(days=6))
    after = awaiting(today + timedelta(days=5))
    declare(admin_client, days_ago=3)
    incident = Incident.objects.get()
    response = admin_client.post(
        reverse("backoffice:incident_close", args=[incident.pk]),
        {"ends_at": timezone.localtime().strftime(MOMENT)},
    )
    assert response.status_code == 302
    run_queued_tasks()

    incident.refresh_from_db()
    assert incident.length_days == 4  # from three days ago to today, whole local days
    assert deadline_of(inside) == today - timedelta(days=2) + timedelta(days=4)
    assert deadline_of(before) == today - timedelta(days=6)
    assert deadline_of(after) == today + timedelta(days=5)
    event = inside.events.get(kind=EventKind.DEADLINE_EXTEND)
    assert event.payload["deadline"] == deadline_of(inside).strftime("%d/%m/%Y")
    assert Notification.objects.filter(application=inside, kind="deadline_extend").exists()

    assert incident_extend_deadlines(incident.pk) == 0  # a retried task moves nothing twice
    assert deadline_of(inside) == today + timedelta(days=2)
    assert DeadlineExtension.objects.count() == 1
    assert "Upload broken" not in admin_client.get(reverse("public:home")).content.decode()


def test_an_incident_of_one_prefecture_moves_only_its_deadlines(admin_client):
    today = timezone.localdate()
    rhone = awaiting(today - timedelta(days=1))
    gironde = awaiting(today - timedelta(days=1), postcode="33000")
    declare(admin_client, days_ago=2, lasted_hours=30, prefecture="pref-69")
    run_queued_tasks()
    assert Incident.objects.get().prefecture == Prefecture.objects.get(code="pref-69")
    assert deadline_of(rhone) > today - timedelta(days=1)
    assert deadline_of(gironde) == today - timedelta(days=1)


def test_a_renewal_whose_last_day_fell_in_an_incident_stays_in_time_for_the_incidents_length(admin_client):
    rhone = Prefecture.objects.get(code="pref-69")
    expires_on = timezone.localdate() + timedelta(days=57)  # the last day in time was three days ago
    today = timezone.localdate()
    assert not is_filed_in_time(filed_on=today, expires_on=expires_on, prefecture_id=rhone.pk)
    declare(admin_client, days_ago=4, lasted_hours=60)
    incident = Incident.objects.get()
    assert incident.length_days >= 3
    assert is_filed_in_time(filed_on=today, expires_on=expires_on, prefecture_id=rhone.pk)
    assert not is_filed_in_time(
        filed_on=today + timedelta(days=incident.length_days + 1), expires_on=expires_on, prefecture_id=rhone.pk
    )


def test_bad_declarations_are_refused_with_a_reason_and_change_nothing(admin_client):
    start = timezone.localtime() - timedelta(days=1)
    cases = [
        {"title": "", "starts_at": start.strftime(MOMENT)},
        {"title": "X", "starts_at": "hier"},
        {"title": "X", "starts_at": start.strftime(MOMENT), "ends_at": (start - timedelta(hours=1)).strftime(MOMENT)},
        {"title": "X", "starts_at": (timezone.localtime() + timedelta(days=1)).strftime(MOMENT)},
        {"title": "X", "starts_at": start.strftime(MOMENT), "prefecture": "pref-nowhere"},
    ]
    for data in cases:
        response = admin_client.post(reverse("backoffice:incidents"), data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, data
        assert 'id="error-summary"' in response.content.decode()
    assert not Incident.objects.exists()


def test_only_administrators_declare_or_close_incidents(client):
    declared = Incident.objects.create(
        title="Panne",
        starts_at=timezone.now() - timedelta(hours=2),
        declared_by=make_staff(role=Role.ADMINISTRATOR, prefecture_code=None),
    )
    for role in (Role.SUPERVISOR, Role.CASE_AGENT, Role.COUNTER_AGENT):
        client.force_login(make_staff(role=role))
        assert client.get(reverse("backoffice:incidents")).status_code == 404
        closing = client.post(reverse("backoffice:incident_close", args=[declared.pk]), {"ends_at": ""})
        assert closing.status_code == 404
    client.force_login(make_applicant().user)
    assert client.get(reverse("backoffice:incidents")).status_code == 404
    declared.refresh_from_db()
    assert declared.ends_at is None


def test_the_public_list_shows_incidents_with_what_they_moved(admin_client, client):
    declare(admin_client, days_ago=2, lasted_hours=5)
    page = client.get(reverse("public:incidents"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Upload broken" in page and "Files could not be sent." in page
    assert "deadlines inside it moved 1 day later" in page


def test_the_incidents_page_answers_in_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    for days_ago in (2, 4, 6, 8):
        declare(admin_client, days_ago=days_ago, lasted_hours=3)
    # (+2: the problems reported during the incidents, and those of the last 7 days)
    with django_assert_max_num_queries(11):
        assert admin_client.get(reverse("backoffice:incidents")).status_code == 200


def test_every_page_sees_a_declared_or_closed_incident_at_once_though_the_notice_is_cached(
    admin_client, django_assert_num_queries
):
    from django.test import Client

    client = Client()  # anonymous (admin_client is the `client` fixture, signed in)
    home = reverse("public:home")
    assert "Upload broken" not in client.get(home).content.decode()  # the empty list is cached now
    with django_assert_num_queries(1):  # the page's procedures; the notice comes from the cache
        client.get(home)
    declare(admin_client, days_ago=1)
    assert "Upload broken" in client.get(home, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    incident = Incident.objects.get()
    admin_client.post(
        reverse("backoffice:incident_close", args=[incident.pk]), {"ends_at": timezone.localtime().strftime(MOMENT)}
    )
    assert "Upload broken" not in client.get(home).content.decode()
