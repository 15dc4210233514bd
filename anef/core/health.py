"""Our own readiness checks, beside django-health-check's (anef/urls.py, docs/operations.md "Health")."""

import dataclasses

from django import db
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django_q.conf import Conf
from django_q.models import OrmQ
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The task queue (django-q2's ORM broker) can be reached: its table answers a query.

    A web machine that cannot read the queue cannot enqueue the work its requests start (mails,
    documents, scans): it is not ready. How long tasks wait is not a readiness matter: a backlog
    is the workers' problem, and taking every web machine out of the balancer would not drain it.
    That is a metric with its own alert (`anef_task_queue_oldest_age_seconds`, anef/core/metrics.py).
    """

    def run(self):
        alias = Conf.ORM or "default"
        try:
            # Runs in a thread of the view's executor: its own connection, closed afterwards so that
            # probes every few seconds do not each keep one open.
            OrmQ.objects.using(alias).filter(key=Conf.CLUSTER_NAME).exists()
        except db.Error as exc:
            raise ServiceUnavailable("Task queue table unreachable") from exc
        finally:
            connections[alias].close()


@never_cache
def live(request):
    """Alive: this process answers requests. It reads nothing (no database, no cache, no page template
    whose context reads the database): an outage of the database must take machines out of the
    balancer (readiness), never make an orchestrator restart every web process in a loop."""
    return JsonResponse({"status": "alive"})
