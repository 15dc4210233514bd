from datetime import timedelta

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
    """One point a week (counted back from the latest day) over HISTORY_WEEKS weeks, newest first."""
    rows = list(
        ProcessingFigure.objects.filter(prefecture=prefecture, procedure=procedure).order_by("-day")[
            : HISTORY_WEEKS * 7 + 1
        ]
    )
    if not rows:
        return []
    latest = rows[0].day
    return [
        row for row in rows if (latest - row.day).days % 7 == 0 and latest - row.day <= timedelta(weeks=HISTORY_WEEKS)
    ]


def waiting_measure(application) -> dict | None:
    """For a file waiting for a decision: how long it has waited, against the latest figures of
    its procedure at its prefecture; `late` once it has waited longer than 9 files in 10."""
    from django.utils import timezone

    from anef.applications.workflow import PENDING_DECISION_STATES

    if application.state not in PENDING_DECISION_STATES or not application.filed_at or not application.prefecture_id:
        return None
    figure = figure_for(prefecture_id=application.prefecture_id, procedure_id=application.procedure_id)
    waited = (timezone.now() - application.filed_at).days
    return {
        "figure": figure,
        "waited_days": waited,
        "late": bool(figure and figure.published and waited > figure.p90_days),
    }
