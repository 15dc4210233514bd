from django.db import models
from django.utils.translation import gettext_lazy as _

from anef.applications.workflow import EventKind

# Processing times are read over the decisions of the last six months...
WINDOW_DAYS = 180
# ...and published only when there are enough of them to mean something (and identify no one).
MIN_DECISIONS = 5
# A decision on the merits ends the wait the figures measure; a withdrawal or a closure ends the
# file without a decision, so it leaves the backlog without counting as a processing time.
DECISION_EVENTS = frozenset({EventKind.ACCEPT, EventKind.REFUSE})
END_EVENTS = DECISION_EVENTS | {EventKind.WITHDRAW, EventKind.CLOSE_NO_ACTION}
# A granted appeal puts a refused file back in the backlog.
REOPEN_EVENTS = frozenset({EventKind.REOPEN_ON_APPEAL})
# The public history shows one point a week over a year.
HISTORY_WEEKS = 52

# A formal inquiry (SPEC §9) may be sent once a file has waited longer than 9 files in 10 of its
# procedure at its prefecture; the prefecture answers within this many days...
INQUIRY_ANSWER_DAYS = 15
# ...and after an answer, the person may ask again this many days later if still undecided.
INQUIRY_AGAIN_DAYS = 30


class Satisfaction(models.TextChoices):
    """How a person found the service, asked after a filing (the three faces of Démarches Simplifiées)."""

    GOOD = "good", _("Easy")
    FAIR = "fair", _("Fairly easy")
    POOR = "poor", _("Difficult")


# What a comment on the service may hold.
FEEDBACK_MAX_TEXT = 2000
