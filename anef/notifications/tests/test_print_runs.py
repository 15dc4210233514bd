"""Paper letters are printed in runs and their posting is recorded (issue 7: "queued for printing,
the print run and postage recorded"), through the back-office pages."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anef.accounts.constants import Role
from anef.accounts.models import Person
from anef.applications.models import ApplicationEvent
from anef.applications.workflow import EventKind
from anef.notifications.models import Notification, PrintRun
from anef.notifications.printing import print_run_cancel, print_run_prepare, print_run_record_posting
from anef.testing import (
    letters_waiting_for,
    make_applicant,
    make_staff,
    paper_person,
    race,
    run_queued_tasks,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # staff pages follow the browser; read in English
    return client


def _pdf(response) -> PdfReader:
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def _prepare(client, prefecture):
    return client.post(reverse("backoffice:letters"), {"prefecture": prefecture.pk})


def test_a_counter_agent_prints_the_waiting_letters_and_records_their_posting(client):
    person = paper_person()
    applications = letters_waiting_for(person, count=2)
    letters = Notification.objects.filter(person=person, channel="letter")
    assert letters.count() >= 2 and not letters.filter(print_run__isnull=False).exists()
    agent = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(agent)

    page = client.get(reverse("backoffice:letters")).content.decode()
    assert f"{letters.count()} letters waiting" in page

    response = _prepare(client, agent.prefecture)
    run = PrintRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("backoffice:print_run", args=[run.number])
    assert run.state == "prepared" and run.letter_count == letters.count()
    assert set(run.letters.values_list("pk", flat=True)) == set(letters.values_list("pk", flat=True))
    detail = client.get(response.url).content.decode()
    assert applications[0].reference in detail and "Mamadou SYLLA" in detail
    assert "The PDF to print is being prepared" in detail
    early = client.post(
        response.url,
        {"posted_on": timezone.localdate().isoformat(), "postage_class": "green", "postage_cost": "3.40"},
    )
    assert early.status_code == 400 and "not ready yet" in early.content.decode()
    assert run_queued_tasks() == ["anef.notifications.printing.print_run_render"]
    assert "The PDF to print is being prepared" not in client.get(response.url).content.decode()

    pdf = _pdf(client.get(reverse("backoffice:print_run_pdf", args=[run.number])))
    slip = pdf.pages[0].extract_text()
    assert run.number in slip and applications[0].reference in slip
    # The slip, then every letter on its own sheet (even page count per letter).
    assert len(pdf.pages) >= 1 + 2 * run.letter_count and (len(pdf.pages) - 1) % 2 == 0
    assert "SYLLA" in pdf.pages[1].extract_text().upper()

    # A posting date in the future is refused and changes nothing.
    bad = client.post(
        reverse("backoffice:print_run", args=[run.number]),
        {
            "posted_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "postage_class": "green",
            "postage_cost": "3.40",
        },
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    run.refresh_from_db()
    assert run.state == "prepared"
    assert not applications[0].events.filter(kind=EventKind.LETTER_POSTED).exists()

    good = client.post(
        reverse("backoffice:print_run", args=[run.number]),
        {
            "posted_on": timezone.localdate().isoformat(),
            "postage_class": "green",
            "postage_cost": "3,40 €",
            "deposit_reference": "LV-2231",
        },
    )
    assert good.status_code == 302
    run.refresh_from_db()
    assert run.state == "posted" and run.posted_by == agent and str(run.postage_cost) == "3.40"
    for application in applications:
        # One event per letter (a family first request also yields a récépissé, posted with its letter).
        events = application.events.filter(kind=EventKind.LETTER_POSTED)
        assert events.count() == run.letters.filter(application=application).count() >= 1
        for event in events:
            assert event.actor == agent and event.payload["print_run"] == run.number
    # The person, if they ever open their space, sees the letters posted on their timeline.
    client.force_login(person.user)
    Person.objects.filter(pk=person.pk).update(preferred_language="en")
    timeline = client.get(reverse("portal:application", args=[applications[0].reference]))
    assert "Letter posted" in timeline.content.decode()
    notifications = client.get(reverse("portal:notifications")).content.decode()
    assert f"Posted on {timezone.localdate():%d/%m/%Y}" in notifications

    # Posted runs are closed: no second posting, no cancellation; nothing waits any more.
    client.force_login(agent)
    again = client.post(reverse("backoffice:print_run_cancel", args=[run.number]), follow=True)
    assert "Only a print run that was not posted can be cancelled." in again.content.decode()
    run.refresh_from_db()
    assert run.state == "posted"
    assert _prepare(client, agent.prefecture).status_code == 302
    assert PrintRun.objects.count() == 1  # nothing left to print


def test_a_cancelled_run_gives_its_letters_back_to_the_next_run(client):
    letters_waiting_for(paper_person())
    agent = make_staff(role=Role.SUPERVISOR, prefecture_code="pref-69")
    client.force_login(agent)
    _prepare(client, agent.prefecture)
    first = PrintRun.objects.get()

    client.post(reverse("backoffice:print_run_cancel", args=[first.number]))
    first.refresh_from_db()
    assert first.state == "cancelled" and not first.letters.exists()
    assert client.get(reverse("backoffice:print_run_pdf", args=[first.number])).status_code == 404

    _prepare(client, agent.prefecture)
    second = PrintRun.objects.exclude(pk=first.pk).get()
    assert second.letter_count == first.letter_count and second.letters.count() == first.letter_count


def test_letters_are_printed_by_their_own_prefecture_only(client):
    letters_waiting_for(paper_person("69003"))
    lyon = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    bordeaux = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33")

    client.force_login(bordeaux)
    assert "No letter is waiting to be printed." in client.get(reverse("backoffice:letters")).content.decode()
    _prepare(client, lyon.prefecture)  # forging another prefecture's pile
    for forged in ("²", "99999999999999999999", "abc", ""):
        assert client.post(reverse("backoffice:letters"), {"prefecture": forged}).status_code == 404
    assert not PrintRun.objects.exists()

    client.force_login(lyon)
    _prepare(client, lyon.prefecture)
    run = PrintRun.objects.get()
    client.force_login(bordeaux)
    for name in ("print_run", "print_run_pdf", "print_run_cancel"):
        for method in ("get", "post"):
            status = getattr(client, method)(reverse(f"backoffice:{name}", args=[run.number])).status_code
            assert status in (404, 405), (name, method, status)
    run.refresh_from_db()
    assert run.state == "prepared"

    client.force_login(make_staff(role=Role.ADMINISTRATOR, prefecture_code=None))
    assert client.get(reverse("backoffice:print_run", args=[run.number])).status_code == 200


def test_people_with_email_get_no_letter_and_an_empty_run_is_refused(client):
    submitted(make_applicant(postcode="69003"))
    run_queued_tasks()
    agent = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(agent)
    response = _prepare(client, agent.prefecture)
    page = client.get(response.url).content.decode()
    assert "No letter is waiting to be printed." in page
    assert not PrintRun.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_agents_preparing_at_once_never_print_a_letter_twice():
    letters_waiting_for(paper_person(), count=2)
    total = Notification.objects.filter(channel="letter").count()
    agents = [make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69") for _ in range(4)]

    outcomes = race([lambda a=a: print_run_prepare(actor=a, prefecture_id=a.prefecture_id) for a in agents])

    runs = list(PrintRun.objects.all())
    assert set(outcomes) <= {"ok", "ApplicationError"}, outcomes
    assert outcomes.count("ok") == len(runs) >= 1
    assert sum(run.letter_count for run in runs) == total
    assert all(run.letters.count() == run.letter_count for run in runs)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_posting_and_cancelling_at_once_leave_one_outcome():
    letters_waiting_for(paper_person())
    agent = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    run = print_run_prepare(actor=agent, prefecture_id=agent.prefecture_id)

    def post():
        print_run_record_posting(
            run_id=run.pk,
            actor=agent,
            posted_on=timezone.localdate(),
            postage_class="green",
            postage_cost=Decimal("1.29"),
        )

    outcomes = race([post, lambda: print_run_cancel(run_id=run.pk, actor=agent), post])

    assert sorted(outcomes) == ["ApplicationError", "ApplicationError", "ok"], outcomes
    run.refresh_from_db()
    posted_events = ApplicationEvent.objects.filter(kind=EventKind.LETTER_POSTED).count()
    if run.state == "posted":
        assert posted_events == run.letters.count() >= 1
    else:
        assert run.state == "cancelled" and posted_events == 0 and not run.letters.exists()
