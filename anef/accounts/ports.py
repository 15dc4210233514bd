"""What the accounts need from apps above them, named by dotted path (as `applications/ports.py`):
the account recovery tells the person through the notifications' outbox and asks the assistance
app whether a helper holds a mandate, without importing either (the layer contracts hold).

`test_recovery` resolves every name."""

from django.utils.module_loading import import_string

# Notifications (the outbox): rows created in the caller's transaction, sent by a task.
NOTIFY_PERSON = "anef.notifications.services.notify_person"  # (person, kind, key, **context) on every channel
NOTIFY_CONTACTS = "anef.notifications.services.notify_contacts"  # (person, kind, key, email, phone, **context)
# Mandates (anef.assistance): whether this helper acts for this person today.
HELPER_ACTS_FOR = "anef.assistance.selectors.helper_acts_for"  # (helper, person) -> bool

PORTS = (NOTIFY_PERSON, NOTIFY_CONTACTS, HELPER_ACTS_FOR)


def port(path: str):
    return import_string(path)
