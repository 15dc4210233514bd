"""Reads about appointments that other parts of the workflow depend on."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from anef.applications.errors import ApplicationError
from anef.territory.models import Site

from .constants import BookingStatus, Kind
from .models import Booking, Closure, Counter


def biometrics_recorded(application) -> bool:
    """The person came to a biometrics appointment of this file: fingerprints and photo are taken,
    the card can be produced."""
    return Booking.objects.filter(application=application, kind=Kind.BIOMETRICS, status=BookingStatus.ATTENDED).exists()


def require_biometrics_for_the_card(application) -> None:
    """Guard of the workflow's ORDER_CARD: a card is produced only with the fingerprints and photo
    of its holder, where the procedure takes them."""
    if application.procedure.biometrics and not biometrics_recorded(application):
        raise ApplicationError(
            _(
                "The card cannot be ordered yet: the fingerprints and photo are not recorded. "
                "Record the person's presence at the biometrics appointment first."
            )
        )


def unrecorded_handovers(person):
    """Handover appointments of this person's files that passed without the counter recording them,
    not yet reconciled: shown on each of their files, so the next agent who opens one sees it."""
    return (
        Booking.objects.filter(application__person=person, kind=Kind.CARD_HANDOVER, status=BookingStatus.UNRECORDED)
        .select_related("slot__site", "application")
        .order_by("slot__starts_at")
    )


def sites_receiving_the_public(*, prefecture):
    """The prefecture's sites with their opening hours, open counters and closures to come (help page)."""
    return (
        Site.objects.filter(prefecture=prefecture)
        .order_by("name")
        .prefetch_related(
            "opening_hours",
            Prefetch(
                "counters", queryset=Counter.objects.filter(active=True).order_by("name"), to_attr="open_counters"
            ),
            Prefetch(
                "closures",
                queryset=Closure.objects.filter(date__gte=timezone.localdate()).order_by("date")[:5],
                to_attr="coming_closures",
            ),
        )
    )


def opening_days(site) -> list[tuple[str, list]]:
    """(weekday name, its opening ranges) for a site whose `opening_hours` are prefetched."""
    days: dict[int, list] = {}
    for hours in site.opening_hours.all():
        days.setdefault(hours.weekday, []).append(hours)
    return [(WEEKDAYS[weekday], days[weekday]) for weekday in sorted(days)]
