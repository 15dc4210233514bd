"""Retention periods (SPEC §10): how long each kind of personal data is kept, and when a draft goes.

The periods are settings (`ANEF_RETENTION_DAYS`, read from `ANEF_RETENTION_<KEY>_DAYS`) set by the
data controller with its data protection officer; the defaults are the project's, not legal values.
They are checked at start-up against floors (`validate_retention_days`, called by this app's
config). The daily sweep that applies them is `anef.retention.sweeps.apply_retention`.

Periods count whole local days: something dated day D with a period of N days is due on day D + N,
and the daily sweep acts on that day.

This module reads only the case file (kernel) and core: the reminder of a forgotten draft
(`applications.sweeps`) gives the draft's deletion date from here.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.applications.constants import APPEAL_DAYS
from anef.applications.models import Application
from anef.applications.workflow import State

# A never-filed draft is deleted only after its reminder has given the date at least this long before.
DRAFT_DELETION_NOTICE_DAYS = 30

# The lowest period each setting may take, and why (said in the start-up error).
FLOORS: dict[str, tuple[int, str]] = {
    "drafts": (30, "the person is reminded of a forgotten draft and must have time to act"),
    "closed_files": (
        APPEAL_DAYS + 30,
        f"a refusal can be appealed for {APPEAL_DAYS} days after it is received, and the court needs the file",
    ),
    "share_checks": (90, "the holder must see every check of a code during the code's whole validity (90 days)"),
    "staff_reads": (180, "an inquiry into a reported misuse must still find who read the file"),
    "security_events": (180, "an inquiry into a taken-over account must still find its sign-ins"),
}


def validate_retention_days(days: dict | None = None) -> dict[str, int]:
    """The periods (settings by default), checked: every key, whole numbers, none below its floor.
    Raises ImproperlyConfigured with a message that names the environment variable."""
    days = settings.ANEF_RETENTION_DAYS if days is None else days
    if not isinstance(days, dict) or set(days) != set(FLOORS):
        raise ImproperlyConfigured(f"ANEF_RETENTION_DAYS must give exactly these periods in days: {', '.join(FLOORS)}.")
    for key, (floor, why) in FLOORS.items():
        value = days[key]
        variable = f"ANEF_RETENTION_{key.upper()}_DAYS"
        if isinstance(value, bool) or not isinstance(value, int):
            raise ImproperlyConfigured(f"{variable} must be a whole number of days, not {value!r}.")
        if value < floor:
            raise ImproperlyConfigured(f"{variable} is {value} days; it cannot be less than {floor} days: {why}.")
    return dict(days)


def retention_days() -> dict[str, int]:
    return validate_retention_days()


# What the "Personal data" page says of each period, in the settings' order.
RETENTION_RULES = [
    {
        "key": "drafts",
        "what": _("Applications started but never submitted (drafts), with the documents uploaded to them"),
        "from": _("after the last change; a reminder gives the date beforehand"),
        "then": _("deleted"),
    },
    {
        "key": "closed_files",
        "what": _("Documents you uploaded and attachments of messages, once the application is closed"),
        "from": _("after the card is handed over, or the application is refused, withdrawn or closed"),
        "then": _("the files are erased; the application, its history and the documents issued to you are kept"),
    },
    {
        "key": "share_checks",
        "what": _("Checks made with your share codes (who checked, when, the answer)"),
        "from": _("after the check"),
        "then": _("deleted"),
    },
    {
        "key": "staff_reads",
        "what": _("Journal of the reads of your files by prefecture staff"),
        "from": _("after the read"),
        "then": _("deleted"),
    },
    {
        "key": "security_events",
        "what": _("Security journal: sign-ins and failed sign-ins to your account, with the address and browser used"),
        "from": _("after the sign-in"),
        "then": _("deleted"),
    },
]


def retention_table() -> list[dict]:
    """The rows of the retention table, with the periods in force."""
    days = retention_days()
    return [{**rule, "days": days[rule["key"]]} for rule in RETENTION_RULES]


def due_before(days: int, today: date) -> datetime:
    """Rows dated (local day) up to `today - days` are due: everything before the next day began."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))


# Drafts ---------------------------------------------------------------------------------------


def deletable_draft(application: Application) -> bool:
    # A draft reopened after a filing keeps its filing date (and the rights it gave); a postal
    # filing registered at the counter is the prefecture's to finish: neither is ever deleted.
    return application.state == State.DRAFT and application.filed_at is None and application.postmarked_on is None


def draft_deletion_date(application: Application, *, reminded_on: date | None = None) -> date | None:
    """The day a never-filed draft is deleted if nobody changes it: its period after the last
    change, and never less than the notice after the reminder (`reminded_on`, by default the day
    it was sent). None when the draft is never deleted, or has not been reminded yet."""
    if not deletable_draft(application):
        return None
    if reminded_on is None:
        if application.draft_reminded_at is None:
            return None
        reminded_on = timezone.localdate(application.draft_reminded_at)
    by_age = timezone.localdate(application.updated_at) + timedelta(days=retention_days()["drafts"])
    return max(by_age, reminded_on + timedelta(days=DRAFT_DELETION_NOTICE_DAYS))


def due_drafts(*, days: int, today: date) -> QuerySet[Application]:
    """Drafts whose `draft_deletion_date` is today or past (the same rule, as one query)."""
    return Application.objects.filter(
        state=State.DRAFT,
        filed_at__isnull=True,
        postmarked_on__isnull=True,
        updated_at__lt=due_before(days, today),
        draft_reminded_at__lt=due_before(DRAFT_DELETION_NOTICE_DAYS, today),
    )
