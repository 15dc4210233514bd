"""The load balancer asks each machine whether it is alive and whether it can serve: without signing
in, in a form a program reads, and "not ready" when a shared service it needs is down."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_a_machine_says_it_is_alive_and_ready_to_anyone_in_json(client):
    alive = client.get("/health/live/?format=json")
    ready = client.get("/health/ready/?format=json")

    assert alive.status_code == 200
    assert ready.status_code == 200
    assert ready.json() == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Storage(alias='default')": "OK",
        "TaskQueue()": "OK",
    }
    assert "no-store" in ready["Cache-Control"]  # never an answer cached by a proxy


def test_a_machine_whose_shared_cache_is_down_is_not_ready_but_still_alive(client):
    dead_redis = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1"}
    }
    with override_settings(CACHES=dead_redis):
        ready = client.get("/health/ready/?format=json")
        alive = client.get("/health/live/?format=json")

    assert ready.status_code == 500
    assert ready.json()["Cache(alias='default')"] != "OK"
    assert alive.status_code == 200


def test_a_machine_that_cannot_reach_the_task_queue_is_not_ready(client, monkeypatch):
    """The queue's table does not answer (here: its name points nowhere): the requests of this machine could
    not enqueue the work they start."""
    from django_q.models import OrmQ

    monkeypatch.setattr(OrmQ._meta, "db_table", "django_q_ormq_gone")
    ready = client.get("/health/ready/?format=json")

    assert ready.status_code == 500
    assert ready.json()["TaskQueue()"].startswith("Unavailable")
    assert ready.json()["Database(alias='default')"] == "OK"


@pytest.mark.django_db(transaction=True)  # the check reads the queue from a thread of its own
def test_a_backlog_of_old_tasks_does_not_take_web_machines_out_of_the_balancer(client):
    """How long tasks wait is the workers' matter (a metric and its alert), not the web machines' readiness."""
    from datetime import timedelta

    from django.utils import timezone
    from django_q.models import OrmQ

    from anef.core.tasks import enqueue

    enqueue("anef.core.sweeps.housekeeping")
    OrmQ.objects.update(lock=timezone.now() - timedelta(hours=3))

    assert client.get("/health/ready/?format=json").status_code == 200


def test_alive_reads_no_database_so_a_database_outage_restarts_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        for path in ("/health/live/", "/health/live/?format=json"):
            assert client.get(path, HTTP_ACCEPT="text/html").status_code == 200
