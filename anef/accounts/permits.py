"""What a kind of permit allows within limits, in words for the people who check it (employers at
the check of a right, anyone at the verification page)."""

from django.utils.translation import gettext as _

from anef.core.formats import quantity

from .constants import WORK_HOURS_PER_YEAR, PermitType


def permit_label(permit_type: str) -> str:
    """The kind of permit in the active language ("" when unknown)."""
    try:
        return str(PermitType(permit_type).label)
    except ValueError:
        return ""


def work_conditions(permit_type: str, *, allows_work: bool) -> list[str]:
    """The limits on the right to work that come with this kind of permit, in the reader's format."""
    hours = WORK_HOURS_PER_YEAR.get(permit_type)
    if allows_work and hours:
        return [_("Work limited to %(hours)s hours a year.") % {"hours": quantity(hours)}]
    return []
