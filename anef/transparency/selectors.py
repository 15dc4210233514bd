from django.db.models import Q
from django.utils import timezone

from anef.applications.workflow import PENDING_DECISION_STATES

from .constants import HISTORY_WEEKS
from .models import ProcessingFigure


def latest_day():
    return ProcessingFigure.objects.order_by("-day").values_list("day", flat=True).first()


def figures_of_day(*, day, prefecture=None):
    """All procedures' figures of that day, for one prefecture or nationally."""
    return (
        ProcessingFigure.objects.filter(day=day, prefecture=prefecture)
        .select_related("procedure")
        .order_by("procedure__category", "procedure__code")
    )


def figure_for(*, prefecture_id, procedure_id) -> ProcessingFigure | None:
    """The latest figures of a procedure at a prefecture (what an applicant's file is measured by)."""
    return (
        ProcessingFigure.objects.filter(prefecture_id=prefecture_id, procedure_id=procedure_id).order_by("-day").first()
    )


def figure_history(*, prefecture, procedure) -> list[ProcessingFigure]:
    """One point a week over HISTORY_WEEKS weeks, newest first: for each week counted back from the
    latest day, the newest figures recorded in it (daily runs and weekly backfills mix)."""
    rows = list(
        ProcessingFigure.objects.filter(prefecture=prefecture, procedure=procedure).order_by("-day")[
            : HISTORY_WEEKS * 7 + 1
        ]
    )
    if not rows:
        return []
    latest = rows[0].day
    points, seen = [], set()
    for row in rows:  # newest first: the first row met in a week is its newest
        week = (latest - row.day).days // 7
        if week <= HISTORY_WEEKS and week not in seen:
            seen.add(week)
            points.append(row)
    return points


def waiting_measure(application) -> dict | None:
    """For a file waiting for a decision: how long it has waited, against the latest figures of its
    procedure at its prefecture. It is `late` once it has waited longer than 9 files in 10 there;
    where the prefecture decided too few to say, than 9 in 10 nationally; failing that, than the
    procedure's target time (a prefecture that stops deciding must not escape inquiries)."""

    if application.state not in PENDING_DECISION_STATES or not application.filed_at or not application.prefecture_id:
        return None
    # The latest figures of the prefecture and of the nation, in one query (both are recorded daily).
    latest = ProcessingFigure.objects.filter(
        Q(prefecture_id=application.prefecture_id) | Q(prefecture__isnull=True), procedure_id=application.procedure_id
    ).order_by("-day")[:4]
    figure = next((row for row in latest if row.prefecture_id is not None), None)
    national = next((row for row in latest if row.prefecture_id is None), None)
    waited = (timezone.now() - application.filed_at).days
    if figure and figure.published:
        threshold, basis = figure.p90_days, "prefecture"
    else:
        if national and national.published:
            threshold, basis = national.p90_days, "national"
        else:
            threshold, basis = application.procedure.target_days, "target"
    return {"figure": figure, "waited_days": waited, "late": waited > threshold, "basis": basis}
