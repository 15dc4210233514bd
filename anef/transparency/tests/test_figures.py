"""Processing figures: read from the histories, recorded each day, shown to the public, on the
procedure page and on the applicant's own file."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.applications import review, services
from anef.applications.models import ApplicationEvent
from anef.applications.workflow import EventKind
from anef.testing import appealed, make_applicant, make_staff, rewriting_history, submitted
from anef.transparency.models import ProcessingFigure
from anef.transparency.selectors import figure_history
from anef.transparency.services import figures_backfill, figures_compute, figures_record

pytestmark = pytest.mark.django_db


def filed(days_ago: float, postcode: str = "69003", code: str = "student-renewal"):
    """A file of the Rhône (69) or the Gironde (33) filed `days_ago` days ago."""
    application = submitted(make_applicant(postcode=postcode), code)
    moment = timezone.now() - timedelta(days=days_ago)
    type(application).objects.filter(pk=application.pk).update(filed_at=moment)
    application.refresh_from_db()
    return application


def decided(waited: float, days_ago: float = 1, postcode: str = "69003", refuse=False, code="student-renewal"):
    """A file decided `days_ago` days ago after exactly `waited` days."""
    now = timezone.now()
    application = submitted(make_applicant(postcode=postcode), code)
    agent = make_staff(prefecture_code=f"pref-{postcode[:2]}")
    review.application_start_review(application_id=application.pk, actor=agent)
    if refuse:
        review.application_refuse(application_id=application.pk, actor=agent, ground="other", text="Motif.")
    else:
        review.application_accept(application_id=application.pk, actor=agent)
    type(application).objects.filter(pk=application.pk).update(filed_at=now - timedelta(days=days_ago + waited))
    with rewriting_history(ApplicationEvent):
        ApplicationEvent.objects.filter(
            application=application, kind=EventKind.REFUSE if refuse else EventKind.ACCEPT
        ).update(created_at=now - timedelta(days=days_ago))
    return application


def test_median_and_90th_percentile_of_the_time_from_filing_to_decision():
    for waited in (10, 20, 30, 40, 50, 60, 70, 80, 90):
        decided(waited)
    decided(100, refuse=True)
    application = filed(3)
    figures = figures_compute(as_of=timezone.now())
    rhone = figures[(application.prefecture_id, application.procedure_id)]
    assert (rhone["decided"], rhone["median_days"], rhone["p90_days"]) == (10, 50, 90)
    assert rhone["pending"] == 1
    assert rhone["oldest_filed_on"] == timezone.localtime(application.filed_at).date()
    assert figures[(None, application.procedure_id)]["decided"] == 10


def test_too_few_decisions_publish_no_time_and_old_decisions_leave_the_window():
    application = decided(12)
    for waited in (5, 6, 7):
        decided(waited)
    decided(300, days_ago=200)  # outside the six months
    figure = figures_compute(as_of=timezone.now())[(application.prefecture_id, application.procedure_id)]
    assert figure["decided"] == 4
    assert figure["median_days"] is None and figure["p90_days"] is None


def test_a_past_day_is_computed_as_it_was_then():
    application = decided(30, days_ago=2)
    key = (application.prefecture_id, application.procedure_id)
    then = figures_compute(as_of=timezone.now() - timedelta(days=5))[key]
    assert then["pending"] == 1 and then["decided"] == 0
    now = figures_compute(as_of=timezone.now())[key]
    assert now["pending"] == 0 and now["decided"] == 1


def test_national_figures_gather_every_prefecture_and_withdrawn_files_leave_the_backlog():
    rhone = filed(3)
    gironde = filed(4, postcode="33000")
    withdrawn = filed(5)

    services.application_withdraw(application_id=withdrawn.pk, actor=withdrawn.person.user, reason="Plus besoin.")
    figures = figures_compute(as_of=timezone.now())
    assert figures[(rhone.prefecture_id, rhone.procedure_id)]["pending"] == 1
    assert figures[(gironde.prefecture_id, gironde.procedure_id)]["pending"] == 1
    assert figures[(None, rhone.procedure_id)]["pending"] == 2


def test_recording_a_day_twice_keeps_one_row_per_group_with_fresh_figures():
    application = filed(3)
    today = timezone.localdate()
    figures_record(day=today)
    filed(2)
    figures_record(day=today)
    rows = ProcessingFigure.objects.filter(day=today, prefecture_id=application.prefecture_id)
    assert rows.count() == 1 and rows.get().pending == 2
    assert ProcessingFigure.objects.filter(day=today, prefecture__isnull=True).count() == 1


def test_the_public_page_shows_each_prefectures_figures_and_their_weekly_history(client):
    for waited in (10, 20, 30, 40, 50):
        decided(waited, days_ago=3)
    filed(8, postcode="33000")
    figures_backfill(weeks=4)
    response = client.get(reverse("public:statistics"), {"prefecture": "pref-69"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "30 days" in page and "50 days" in page
    assert "Rhône" in page and "Gironde" in page  # both in the filter
    gironde = client.get(
        reverse("public:statistics"), {"prefecture": "pref-33"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Too few decisions to publish a time" in gironde and "30 days" not in gironde
    history = client.get(
        reverse("public:statistics_history", args=["student-renewal"]), {"prefecture": "pref-69"}
    ).content.decode()
    days = [timezone.localdate() - timedelta(weeks=weeks) for weeks in range(5)]
    assert all(day.strftime("%d/%m/%Y") in history for day in days[:1])
    assert history.count("<tr>") == 1 + 5  # the header row, this week and the four before
    assert client.get(reverse("public:statistics"), {"prefecture": "pref-nowhere"}).status_code == 404


def test_the_public_page_answers_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for postcode in ("69003", "33000", "69003"):
        decided(10, postcode=postcode)
        filed(3, postcode=postcode, code="employee-renewal")
    figures_backfill(weeks=2)
    with django_assert_max_num_queries(8):
        client.get(reverse("public:statistics"))
    with django_assert_max_num_queries(8):
        client.get(reverse("public:statistics_history", args=["student-renewal"]), {"prefecture": "pref-69"})


def test_the_procedure_page_says_how_long_it_takes_now(client):
    for waited in (10, 20, 30, 40, 50):
        decided(waited, days_ago=2)
    page = client.get(reverse("public:procedure", args=["student-renewal"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Too few recent decisions to give a time." in page
    figures_backfill(weeks=1)
    page = client.get(reverse("public:procedure", args=["student-renewal"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Half of the recent decisions within 30 days, 9 in 10 within 50 days" in page


def test_the_applicant_sees_how_long_their_file_waited_against_the_prefectures_times(client):
    for waited in (10, 20, 30, 40, 50):
        decided(waited)
    mine = filed(12)
    type(mine.person).objects.filter(pk=mine.person.pk).update(preferred_language="en")
    figures_backfill(weeks=1)
    client.force_login(mine.person.user)
    page = client.get(reverse("portal:application", args=[mine.reference])).content.decode()
    assert "Waiting for a decision for 12 days." in page
    assert "half of the recent decisions came within 30 days and 9 in 10 within 50 days" in page


def test_a_refused_file_reopened_on_appeal_is_back_in_the_backlog():
    refused = decided(20, days_ago=10, refuse=True)
    key = (refused.prefecture_id, refused.procedure_id)
    assert figures_compute(as_of=timezone.now())[key]["pending"] == 0
    appealed(refused, decide="accept")
    assert figures_compute(as_of=timezone.now())[key]["pending"] == 1
    assert figures_compute(as_of=timezone.now() - timedelta(days=1))[key]["pending"] == 0  # before the appeal


def test_the_weekly_history_keeps_the_backfilled_weeks_once_daily_runs_add_days():
    application = filed(40)
    today = timezone.localdate()
    figures_backfill(weeks=3)  # today and one day a week before
    for days_later in (1, 2, 3):  # then the nightly sweep runs on the next days
        figures_record(day=today + timedelta(days=days_later))
    history = figure_history(prefecture=application.prefecture, procedure=application.procedure)
    assert [(today - row.day).days for row in history] == [-3, 7, 14, 21]
