"""Reads about appointments that other parts of the workflow depend on."""

from .constants import BookingStatus, Kind
from .models import Booking


def biometrics_recorded(application) -> bool:
    """The person came to a biometrics appointment of this file: fingerprints and photo are taken,
    the card can be produced."""
    return Booking.objects.filter(application=application, kind=Kind.BIOMETRICS, status=BookingStatus.ATTENDED).exists()
