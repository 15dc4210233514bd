"""English formats (settings.FORMAT_MODULE_PATH): British, as the service's English readers live in
France (31/12/2026, never 12/31/2026); numbers 1,000.50."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # the 24-hour clock of the appointments' letters and counters
