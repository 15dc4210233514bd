"""A real worker cluster (separate processes) killed with SIGKILL in the middle of a task: the broker
delivers the task again after its retry delay and the effect happens exactly once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from anef.notifications.constants import NotificationState
from anef.notifications.models import Notification
from anef.testing import make_applicant, submitted

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]
CLUSTER_APP = "anef-test-cluster"


def _cluster(tmp_path: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anef.settings.test",
        "DATABASE_URL": (
            f"postgresql://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
            f"?application_name={CLUSTER_APP}"
        ),
        "ANEF_SMS_BACKEND": "anef.notifications.tests.backends.SlowFileSmsBackend",
        "ANEF_TEST_SMS_DIR": str(tmp_path),
        "ANEF_TEST_SMS_SLEEP": "3",
        "ANEF_Q_WORKERS": "1",
        "ANEF_Q_TIMEOUT": "8",
        "ANEF_Q_RETRY": "9",
        "ANEF_Q_POLL": "0.2",
    }
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "qcluster"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=(tmp_path / "cluster.log").open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _drop_leftover_connections():
    """Killed processes leave server sessions behind for a moment; end them so the test database can go."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [CLUSTER_APP],
        )


def _wait(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_task_whose_worker_is_killed_is_delivered_again_and_done_once(tmp_path):
    person = make_applicant()
    person.email = ""
    person.phone = "0612345678"
    person.save(update_fields=["email", "phone"])
    application = submitted(person)
    notification = Notification.objects.get(application=application, kind="submit")

    first = _cluster(tmp_path)
    try:
        started = _wait(lambda: (tmp_path / "started").exists(), 60)
        assert started, (tmp_path / "cluster.log").read_text()[-3000:]
        os.killpg(first.pid, signal.SIGKILL)  # the cluster and its workers, mid-task
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert not (tmp_path / "completed").exists()
    notification.refresh_from_db()
    assert notification.state == NotificationState.QUEUED

    second = _cluster(tmp_path)
    try:
        done = _wait(
            lambda: Notification.objects.get(pk=notification.pk).state == NotificationState.SENT,
            60,
        )
    finally:
        os.killpg(second.pid, signal.SIGKILL)
        second.wait(10)
    _drop_leftover_connections()
    assert done, "the task was not delivered again"
    notification.refresh_from_db()
    assert notification.attempts == 1  # the killed attempt rolled back with its transaction
    assert len((tmp_path / "completed").read_text().split()) == 1
    assert len(list(tmp_path.glob("*.txt"))) == 1
