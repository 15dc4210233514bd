"""Opinions on the service (asked on the page that confirms a filing): given by anyone signed in,
anonymously, and read by national administrators."""

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from anef.accounts.models import User
from anef.core.errors import UserError
from anef.procedures.models import Procedure

from .constants import FEEDBACK_MAX_TEXT, Satisfaction
from .models import ServiceFeedback

# The latest comments an administrator reads on one page.
LATEST_COMMENTS = 50


def feedback_give(
    *, satisfaction: str, text: str = "", procedure: Procedure | None = None, actor: User
) -> ServiceFeedback:
    """Record an opinion. It names no one: `actor` only has to be signed in (the view checks it)."""
    if satisfaction not in Satisfaction.values:
        raise UserError(_("Say how it went."))
    with transaction.atomic():
        return ServiceFeedback.objects.create(
            satisfaction=satisfaction, text=text.strip()[:FEEDBACK_MAX_TEXT], procedure=procedure
        )


def feedback_summary() -> dict:
    """For national administrators: how many of each answer, and the latest comments."""
    rows = ServiceFeedback.objects.values("satisfaction").annotate(n=Count("pk")).order_by()
    counts = {row["satisfaction"]: row["n"] for row in rows}
    return {
        "counts": [(value, label, counts.get(value, 0)) for value, label in Satisfaction.choices],
        "total": sum(counts.values()),
        "latest": ServiceFeedback.objects.exclude(text="").select_related("procedure")[:LATEST_COMMENTS],
    }
