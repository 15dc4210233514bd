from datetime import date

from django.db.models import Q
from django.utils import timezone

from .models import Incident


def _in_scope(prefecture_id):
    return Q(prefecture__isnull=True) | Q(prefecture_id=prefecture_id)


def incidents_ongoing(prefecture_id=None):
    """Incidents not closed yet, national ones and those of this prefecture (all, if None)."""
    incidents = Incident.objects.filter(ends_at__isnull=True, starts_at__lte=timezone.now())
    if prefecture_id is not None:
        incidents = incidents.filter(_in_scope(prefecture_id))
    return incidents.select_related("prefecture")


def covering(*, prefecture_id, day: date) -> list[Incident]:
    """Incidents of this prefecture's scope that touched this local day."""
    return [
        incident
        for incident in Incident.objects.filter(_in_scope(prefecture_id), starts_at__lte=timezone.now())
        if incident.first_day <= day <= incident.last_day
    ]


def grace_days(*, prefecture_id, day: date) -> int:
    """How many days later than `day` a limit falling on it may be met, because of incidents."""
    return max((incident.length_days for incident in covering(prefecture_id=prefecture_id, day=day)), default=0)


def deadline_on_hold(*, prefecture_id, deadline: date) -> bool:
    """A deadline inside an incident still going on: nobody is late until it ends and extends it."""
    return any(incident.ends_at is None for incident in covering(prefecture_id=prefecture_id, day=deadline))
