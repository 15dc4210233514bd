"""A task interrupted by a database restart runs again by itself; a genuine error waits for the
administrator. The real django-q2 worker and monitor run in this process on the ORM broker."""

from datetime import timedelta
from multiprocessing import Queue, Value

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Failure, OrmQ, Success
from django_q.monitor import monitor
from django_q.signing import SignedPackage
from django_q.worker import worker

from anef.core.tasks import enqueue, interrupted_by_the_database

pytestmark = pytest.mark.django_db(transaction=True)
CALLS = []


def flaky(times: int) -> str:
    """Fails as a database restart makes a query fail, `times` times, then succeeds."""
    CALLS.append(1)
    if len(CALLS) <= times:
        raise OperationalError("terminating connection due to administrator command")
    return "done"


def broken() -> None:
    CALLS.append(1)
    raise ValueError("a genuine bug")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def cluster_round() -> None:
    """One round of a cluster: take what is due, run it in the worker, save and acknowledge."""
    broker = get_broker()
    OrmQ.objects.update(lock=timezone.now() - timedelta(seconds=1))  # the retry delay has passed
    tasks, results = Queue(), Queue()
    for ack_id, pack in broker.dequeue() or []:
        task = SignedPackage.loads(pack)
        task["ack_id"] = ack_id
        tasks.put(task)
    tasks.put("STOP")
    worker(tasks, results, Value("f", -1), timeout=None)
    results.put("STOP")
    monitor(results, broker)


def test_a_task_failed_by_a_database_restart_is_delivered_again_and_succeeds():
    task_id = enqueue("anef.core.tests.test_task_retry.flaky", 1)

    cluster_round()
    assert Failure.objects.filter(id=task_id).exists()  # visible meanwhile
    assert OrmQ.objects.count() == 1  # not acknowledged: the broker delivers it again

    cluster_round()
    assert len(CALLS) == 2
    assert Success.objects.get(id=task_id).result == "done"
    assert not Failure.objects.exists()
    assert not OrmQ.objects.exists()


def test_a_task_the_database_keeps_failing_stops_after_the_attempts_allowed(settings):
    from django_q.conf import Conf

    enqueue("anef.core.tests.test_task_retry.flaky", 100)
    for _ in range(Conf.MAX_ATTEMPTS):
        cluster_round()

    assert len(CALLS) == Conf.MAX_ATTEMPTS
    assert Failure.objects.get().attempt_count == Conf.MAX_ATTEMPTS
    assert not OrmQ.objects.exists()  # left to the administrator's failed tasks


def test_a_genuine_error_goes_to_the_failed_tasks_at_once():
    enqueue("anef.core.tests.test_task_retry.broken")

    cluster_round()

    assert len(CALLS) == 1
    assert "a genuine bug" in Failure.objects.get().result
    assert not OrmQ.objects.exists()


def test_only_database_errors_count_as_interruptions():
    assert interrupted_by_the_database("x : Traceback...\n  ...\ndjango.db.utils.InterfaceError: connection closed\n")
    assert interrupted_by_the_database("x : Traceback...\npsycopg.OperationalError: server closed the connection")
    assert not interrupted_by_the_database("x : Traceback...\nValueError: django.db.utils.OperationalError")
    assert not interrupted_by_the_database(None)
