"""The processing figures, read from the files' histories (filing date, decision events) and
recorded once a day, so every figure published can be traced back and has a dated history."""

import math
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import cast

from django.db import transaction
from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from anef.applications.models import Application, ApplicationEvent

from .constants import DECISION_EVENTS, END_EVENTS, MIN_DECISIONS, REOPEN_EVENTS, WINDOW_DAYS
from .models import ProcessingFigure


def nearest_rank(sorted_values: list[float], share: float) -> float:
    """The smallest value that `share` of the values do not exceed (nearest-rank percentile)."""
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def _times(durations: list[float]) -> tuple[int | None, int | None]:
    if len(durations) < MIN_DECISIONS:
        return None, None
    durations = sorted(durations)
    return math.ceil(nearest_rank(durations, 0.5)), math.ceil(nearest_rank(durations, 0.9))


def figures_compute(*, as_of: datetime) -> dict[tuple[int | None, int], dict]:
    """The figures at the moment `as_of`, per (prefecture id, procedure id), and nationally
    (prefecture None): files filed and not yet ended then, and the time from filing to decision of
    the files decided in the WINDOW_DAYS before. Exact for any past moment, since the history is
    append-only."""

    def last(kinds):
        return Subquery(
            ApplicationEvent.objects.filter(application=OuterRef("pk"), kind__in=kinds, created_at__lte=as_of)
            .order_by("-created_at")
            .values("created_at")[:1]
        )

    # Waiting then: filed, and not ended, or ended by a refusal that a granted appeal reopened since.
    waiting_then = (
        Application.objects.filter(filed_at__lte=as_of, prefecture__isnull=False)
        .annotate(ended_at=last(END_EVENTS), reopened_at=last(REOPEN_EVENTS))
        .filter(Q(ended_at__isnull=True) | Q(reopened_at__gt=F("ended_at")))
        .values("pk")
    )
    waiting = (
        Application.objects.filter(pk__in=waiting_then)
        .values("prefecture_id", "procedure_id")
        .annotate(pending=Count("pk"), oldest=Min("filed_at"))
        .order_by()
    )
    decisions = (
        ApplicationEvent.objects.filter(
            kind__in=DECISION_EVENTS,
            created_at__gt=as_of - timedelta(days=WINDOW_DAYS),
            created_at__lte=as_of,
            application__filed_at__isnull=False,
            application__prefecture__isnull=False,
        )
        .values_list("application__prefecture_id", "application__procedure_id", "application__filed_at", "created_at")
        .order_by()
    )
    groups: dict[tuple[int | None, int], dict] = defaultdict(lambda: {"pending": 0, "oldest": None, "durations": []})
    for row in waiting:
        for key in ((row["prefecture_id"], row["procedure_id"]), (None, row["procedure_id"])):
            group = groups[key]
            group["pending"] += row["pending"]
            group["oldest"] = min(filter(None, (group["oldest"], row["oldest"])))
    for prefecture_id, procedure_id, filed_at, decided_at in decisions.iterator(chunk_size=5000):
        filed_at = cast(datetime, filed_at)  # the query keeps filed applications only
        days = max(0.0, (decided_at - filed_at).total_seconds() / 86400)
        groups[(prefecture_id, procedure_id)]["durations"].append(days)
        groups[(None, procedure_id)]["durations"].append(days)
    figures = {}
    for key, group in groups.items():
        median, p90 = _times(group["durations"])
        figures[key] = {
            "pending": group["pending"],
            "oldest_filed_on": timezone.localtime(group["oldest"]).date() if group["oldest"] else None,
            "decided": len(group["durations"]),
            "median_days": median,
            "p90_days": p90,
        }
    return figures


def figures_record(*, day: date) -> int:
    """Record the figures of `day` (as at its end, or now if it is today). Idempotent: running it
    again the same day replaces that day's figures with fresh ones."""
    end_of_day = timezone.make_aware(datetime.combine(day, time.max))
    now = timezone.now()
    as_of = min(end_of_day, now)
    figures = figures_compute(as_of=as_of)
    with transaction.atomic():
        ProcessingFigure.objects.filter(day=day).delete()
        ProcessingFigure.objects.bulk_create(
            ProcessingFigure(day=day, prefecture_id=prefecture_id, procedure_id=procedure_id, computed_at=now, **data)
            for (prefecture_id, procedure_id), data in figures.items()
        )
    return len(figures)


def record_todays_figures() -> int:
    """The nightly sweep."""
    return figures_record(day=timezone.localdate())


def figures_backfill(*, weeks: int) -> int:
    """Rebuild one day a week over the past `weeks` weeks, and today, from the histories (after an
    installation or a migration of past files): the history of the figures starts complete."""
    today = timezone.localdate()
    days = [today - timedelta(weeks=back) for back in range(weeks, 0, -1)] + [today]
    for day in days:
        figures_record(day=day)
    return len(days)
