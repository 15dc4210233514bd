"""Public statistics (SPEC §9): per prefecture and procedure, the files waiting for a decision and
the recent processing times, with their dated history; and the service's incidents."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from anef.incidents.models import Incident
from anef.incidents.reports import report_counts
from anef.procedures.models import Procedure
from anef.territory.models import Prefecture
from anef.transparency.constants import HISTORY_WEEKS, MIN_DECISIONS, WINDOW_DAYS
from anef.transparency.models import ProcessingFigure
from anef.transparency.selectors import figure_history, figures_of_day, latest_day


def _chosen_prefecture(request) -> Prefecture | None:
    code = request.GET.get("prefecture", "")
    if not code:
        return None
    prefecture = Prefecture.objects.filter(code=code).first()
    if prefecture is None:
        raise Http404
    return prefecture


def _common(prefecture) -> dict:
    day = latest_day()
    return {
        "day": day,
        "prefecture": prefecture,
        "prefectures": Prefecture.objects.filter(
            pk__in=ProcessingFigure.objects.filter(day=day, prefecture__isnull=False).values("prefecture")
        ),
        "window_months": WINDOW_DAYS // 30,
        "min_decisions": MIN_DECISIONS,
    }


def statistics(request):
    prefecture = _chosen_prefecture(request)
    context = _common(prefecture)
    context["figures"] = figures_of_day(day=context["day"], prefecture=prefecture) if context["day"] else []
    return render(request, "public/statistics.html", context)


def statistics_history(request, code):
    procedure = get_object_or_404(Procedure, code=code)
    prefecture = _chosen_prefecture(request)
    context = _common(prefecture)
    context.update(
        procedure=procedure,
        history=figure_history(prefecture=prefecture, procedure=procedure),
        weeks=HISTORY_WEEKS,
    )
    return render(request, "public/statistics_history.html", context)


def incidents(request):
    """Every incident of the last year, ongoing first: when, where, and what it changed."""
    since = timezone.now() - timedelta(days=365)
    items = list(Incident.objects.filter(starts_at__gte=since).select_related("prefecture").order_by("-starts_at"))
    counts = report_counts(items)
    for incident in items:
        incident.reports = counts[incident.pk]
    return render(request, "public/incidents.html", {"incidents": items})
