"""Prometheus metrics at /metrics, read from the database at each scrape (docs/operations.md, "Metrics and alerts").

Every figure here is a fact of the shared database (the task queue, failed tasks, unsent notifications, the
sweeps' last successes, applications by state): whichever web process on whichever machine answers the
scrape, it answers the same, so a counter never resets when a worker restarts and never splits across
processes. Per-process figures (requests, latency) are left to the load balancer's own metrics: counters
kept in a process would need prometheus_client's multiprocess mode on each machine and a scrape of every
machine behind the balancer, for what the balancer already measures.

Not public: the scraper sends `Authorization: Bearer <ANEF_METRICS_TOKEN>`; without a configured token the
page does not exist (404), as it does for a wrong or missing token, so nobody learns it is there.
"""

import hmac
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_q.models import Failure, OrmQ, Success
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from .schedules import SWEEPS

# Other apps' data, named and never imported (core is the floor: like the sweeps in schedules.py). A test
# resolves every name.
NOTIFICATION_MODEL = "notifications.Notification"
NOTIFICATION_STATES = "anef.notifications.constants.NotificationState"
APPLICATION_MODEL = "applications.Application"


def _timestamp(moment: datetime) -> float:
    return moment.timestamp()


class DatabaseCollector:
    """A prometheus_client collector: each scrape runs a few aggregate queries, all on indexed or small tables
    except the count of applications by state (one pass over an index of the applications table)."""

    def collect(self):
        now = timezone.now()
        yield from self._task_queue(now)
        yield from self._failed_tasks()
        yield from self._sweeps()
        yield from self._notifications()
        yield from self._applications()

    def _task_queue(self, now):
        depth = GaugeMetricFamily(
            "anef_task_queue_depth", "Tasks waiting in the queue for a worker to take them.", labels=["queue"]
        )
        running = GaugeMetricFamily(
            "anef_task_queue_taken",
            "Tasks taken by a worker and not yet acknowledged (running, or their worker died: they come back "
            "after ANEF_Q_RETRY seconds).",
            labels=["queue"],
        )
        age = GaugeMetricFamily(
            "anef_task_queue_oldest_age_seconds",
            "How long the oldest waiting task has waited (0 when none waits).",
            labels=["queue"],
        )
        # django-q2's ORM broker: a waiting task's `lock` is the time it was enqueued (or its lease ran out);
        # a taken task's lock lies in the future, until its lease ends.
        rows = OrmQ.objects.values("key").annotate(
            waiting=Count("id", filter=Q(lock__lte=now)),
            taken=Count("id", filter=Q(lock__gt=now)),
            oldest=Min("lock", filter=Q(lock__lte=now)),
        )
        queues = {settings.Q_CLUSTER["name"]: (0, 0, None)}
        queues.update({row["key"]: (row["waiting"], row["taken"], row["oldest"]) for row in rows})
        for queue, (waiting, taken, oldest) in sorted(queues.items()):
            depth.add_metric([queue], waiting)
            running.add_metric([queue], taken)
            age.add_metric([queue], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield from (depth, running, age)

    def _failed_tasks(self):
        failed = GaugeMetricFamily(
            "anef_tasks_failed",
            "Failed tasks kept for an administrator (retried by hand, then gone from this count).",
            labels=["func"],
        )
        for row in Failure.objects.values("func").annotate(count=Count("id")).order_by("func"):
            failed.add_metric([row["func"]], row["count"])
        yield failed

    def _sweeps(self):
        last = GaugeMetricFamily(
            "anef_sweep_last_success_timestamp_seconds",
            "When each periodic sweep last finished without error (Unix time); absent if it never did in the "
            "task history kept (30 days).",
            labels=["sweep"],
        )
        interval = GaugeMetricFamily(
            "anef_sweep_interval_seconds", "How often each periodic sweep is scheduled.", labels=["sweep"]
        )
        by_func = {func: name for name, (func, _minutes) in SWEEPS.items()}
        # Q_CLUSTER["save_limit_per"] = "func": the successes of one sweep are never pruned by other tasks'.
        rows = Success.objects.filter(func__in=by_func).values("func").annotate(last=Max("stopped"))
        for row in sorted(rows, key=lambda row: by_func[row["func"]]):
            last.add_metric([by_func[row["func"]]], _timestamp(row["last"]))
        for name, (_func, minutes) in sorted(SWEEPS.items()):
            interval.add_metric([name], minutes * 60)
        yield from (last, interval)

    def _notifications(self):
        notification = apps.get_model(NOTIFICATION_MODEL)
        state = import_string(NOTIFICATION_STATES)
        failed = GaugeMetricFamily(
            "anef_notifications_failed",
            "Notifications that could not be sent after every attempt (shown to administrators).",
            labels=["channel"],
        )
        pending = GaugeMetricFamily(
            "anef_notifications_pending", "Notifications waiting to be sent or retried.", labels=["channel"]
        )
        rows = (
            notification.objects.filter(state__in=[state.FAILED, state.QUEUED, state.RETRYING])
            .values("state", "channel")
            .annotate(count=Count("id"))
            .order_by("channel")
        )
        for row in rows:
            family = failed if row["state"] == state.FAILED else pending
            family.add_metric([row["channel"]], row["count"])
        yield from (failed, pending)

    def _applications(self):
        application = apps.get_model(APPLICATION_MODEL)
        by_state = GaugeMetricFamily("anef_applications", "Applications, by state.", labels=["state"])
        for row in application.objects.order_by().values("state").annotate(count=Count("id")).order_by("state"):
            by_state.add_metric([row["state"]], row["count"])
        yield by_state


def _registry() -> CollectorRegistry:
    # A registry of our own: the global one would add this one process's Python and process figures,
    # which mean nothing for a service scraped through a load balancer.
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    return registry


def _authorised(request) -> bool:
    token = settings.ANEF_METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@never_cache
@require_GET
def metrics_view(request):
    if not _authorised(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
