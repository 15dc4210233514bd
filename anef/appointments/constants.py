from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    BIOMETRICS = "biometrics", _("Fingerprints and photo")
    CARD_HANDOVER = "card_handover", _("Collection of the card")
    INTERVIEW = "interview", _("Interview")


DURATION_MINUTES = {Kind.BIOMETRICS: 20, Kind.CARD_HANDOVER: 10, Kind.INTERVIEW: 30}


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")
    # A handover appointment that passed without the counter recording it: the agent reconciles it
    # (present or absent); meanwhile the person may book again.
    UNRECORDED = "unrecorded", _("Not recorded")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the draw")
    GRANTED = "granted", _("Seat allocated")
    UNSERVED = "unserved", _("No seat left")
    CANCELLED = "cancelled", _("Cancelled")


# Holidays of the `holidays` package: subdivision of France for a département, where it differs.
HOLIDAY_SUBDIVISIONS = {
    "57": "57", "67": "6AE", "68": "6AE", "971": "971", "972": "972", "973": "973", "974": "974",
    "976": "976", "975": "PM", "977": "BL", "978": "MF",
}  # fmt: skip

RESCHEDULE_MIN_DAYS = 2

# A freed earlier slot offered from the waiting list stays reserved for the person offered it this
# long; then it passes to the next person. Only slots at least this far ahead are offered.
OFFER_VALID_HOURS = 24

# A paper-only person learns of an appointment by letter: printed at the next run and posted, it
# needs about a week; the reminder leaves this many days before the appointment.
LETTER_REMINDER_DAYS = 10
