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
