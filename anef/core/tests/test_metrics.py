"""Prometheus reads /metrics with a bearer token; everybody else finds nothing there. What it reads is counted in
the shared database at each scrape, so every web process on every machine gives the same answer."""

import uuid

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ
from django_q.monitor import save_task
from django_q.tasks import async_task
from prometheus_client.parser import text_string_to_metric_families

from anef.applications.workflow import State
from anef.core.tasks import enqueue
from anef.notifications.constants import MAX_ATTEMPTS, Channel, NotificationState
from anef.notifications.models import Notification
from anef.notifications.tasks import send_notification
from anef.testing import make_applicant, submitted

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-metrics-token-0123456789"


@pytest.fixture
def scrape(client, settings):
    settings.ANEF_METRICS_TOKEN = TOKEN

    def scrape() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples
        }

    return scrape


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "])
def test_the_metrics_are_not_found_without_the_right_token(client, settings, header):
    settings.ANEF_METRICS_TOKEN = TOKEN
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/metrics", **headers)

    assert response.status_code == 404
    assert b"anef_task_queue_depth" not in response.content


def test_without_a_configured_token_the_metrics_do_not_exist_even_for_an_empty_token(client, settings):
    settings.ANEF_METRICS_TOKEN = ""

    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics").status_code == 404


def test_the_queue_depth_and_the_age_of_the_oldest_task_follow_the_queue(scrape):
    depth = ("anef_task_queue_depth", (("queue", "anef"),))
    age = ("anef_task_queue_oldest_age_seconds", (("queue", "anef"),))
    before = scrape()

    enqueue("anef.core.sweeps.housekeeping")
    enqueue("anef.core.sweeps.housekeeping")
    after = scrape()

    assert after[depth] == before[depth] + 2
    assert 0 <= after[age] < 60
    OrmQ.objects.update(lock=timezone.now() - timezone.timedelta(minutes=30))
    assert 30 * 60 <= scrape()[age] < 31 * 60


def test_a_notification_that_failed_every_attempt_is_counted_by_channel(scrape, settings):
    failed_sms = ("anef_notifications_failed", (("channel", Channel.SMS),))
    assert scrape().get(failed_sms, 0) == 0
    settings.ANEF_SMS_BACKEND = "anef.notifications.sms.FailingSmsBackend"
    person = make_applicant()
    person.email = ""
    person.phone = "0612345678"
    person.save(update_fields=["email", "phone"])
    notification = Notification.objects.get(application=submitted(person), kind="submit")

    for _ in range(MAX_ATTEMPTS):
        Notification.objects.filter(pk=notification.pk).update(state=NotificationState.QUEUED)
        send_notification(notification.pk)

    assert Notification.objects.get(pk=notification.pk).state == NotificationState.FAILED
    assert scrape()[failed_sms] == 1


def test_the_api_sweeps_last_success_is_the_time_its_task_last_finished(scrape):
    last_api_sweep = ("anef_sweep_last_success_timestamp_seconds", (("sweep", "issue_due_apis"),))
    assert last_api_sweep not in scrape()
    assert scrape()[("anef_sweep_interval_seconds", (("sweep", "issue_due_apis"),))] == 6 * 3600

    started = timezone.now().timestamp()
    # Through django-q2 as its schedule runs it (worker then monitor, here in this process).
    async_task("anef.certificates.sweeps.issue_due_apis", sync=True)

    assert started <= scrape()[last_api_sweep] <= timezone.now().timestamp()


def test_failed_tasks_and_applications_by_state_are_counted(scrape):
    submitted_files = ("anef_applications", (("state", State.SUBMITTED),))
    before = scrape().get(submitted_files, 0)
    submitted(make_applicant())

    figures = scrape()
    assert figures[submitted_files] == before + 1
    # The monitor records a task that raised, as it does for a worker's result ("sync": in this process, on
    # the test's own connection, which the monitor would otherwise close).
    now = timezone.now()
    failed = {"id": uuid.uuid4().hex, "name": "sweep-failed", "func": "anef.certificates.sweeps.issue_due_apis"}
    save_task(
        {
            **failed,
            "args": (),
            "kwargs": {},
            "started": now,
            "stopped": now,
            "success": False,
            "result": "RuntimeError",
            "sync": True,
        },
        get_broker(),
    )
    assert scrape()[("anef_tasks_failed", (("func", "anef.certificates.sweeps.issue_due_apis"),))] == 1
