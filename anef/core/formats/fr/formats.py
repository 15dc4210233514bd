"""French formats (settings.FORMAT_MODULE_PATH): Django's, which already write 31/12/2026, 75,00 and
1 000 with a non-breaking space. Templates name a format (`|date:"SHORT_DATE_FORMAT"`), never a pattern."""

from django.conf.locale.fr.formats import *  # noqa: F403
