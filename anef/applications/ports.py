"""What the kernel needs from apps above it, named by dotted path: the one place where it depends
on them (a path, so the kernel imports none of them and the layer contracts hold).

Each port is a function the named app owns; `test_workflow_table` checks that every path resolves.
"""

from django.utils.module_loading import import_string

# Mandates (anef.assistance): who acts for whom.
MANDATED_APPLICATIONS = "anef.assistance.selectors.mandated_applications"  # (helper) -> QuerySet[Application]
# A valid mandate for all of the person's applications: the helper may start one and edit the profile.
MANDATE_FOR_ALL = "anef.assistance.selectors.helper_may_start_for"  # (helper, person) -> bool
# Service incidents (anef.incidents): deadlines move when the service was down.
GRACE_DAYS = "anef.incidents.selectors.grace_days"  # (prefecture_id, day) -> int
DEADLINE_ON_HOLD = "anef.incidents.selectors.deadline_on_hold"  # (prefecture_id, deadline) -> bool

PORTS = (MANDATED_APPLICATIONS, MANDATE_FOR_ALL, GRACE_DAYS, DEADLINE_ON_HOLD)


def port(path: str):
    """The function behind a port (import_string caches the module import)."""
    return import_string(path)
