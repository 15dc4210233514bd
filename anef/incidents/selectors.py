from datetime import date

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from .cache import UNCLOSED_KEY, UNCLOSED_SECONDS
from .models import Incident


def _in_scope(prefecture_id):
    return Q(prefecture__isnull=True) | Q(prefecture_id=prefecture_id)


def incidents_ongoing(prefecture_id=None):
    """Incidents not closed yet, national ones and those of this prefecture (all, if None)."""
    incidents = Incident.objects.filter(ends_at__isnull=True, starts_at__lte=timezone.now())
    if prefecture_id is not None:
        incidents = incidents.filter(_in_scope(prefecture_id))
    return incidents.select_related("prefecture")


def incidents_ongoing_for_every_page() -> list[Incident]:
    """What every page's notice shows, from the shared cache: a query on every page cost more than the page's
    own work on the lightest pages. The cache holds the unclosed incidents; any change to an incident empties it
    (anef/incidents/apps.py), and it lasts a minute at most."""
    unclosed = cache.get(UNCLOSED_KEY)
    if unclosed is None:
        unclosed = list(Incident.objects.filter(ends_at__isnull=True).select_related("prefecture"))
        cache.set(UNCLOSED_KEY, unclosed, UNCLOSED_SECONDS)
    now = timezone.now()
    return [incident for incident in unclosed if incident.starts_at <= now]


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
