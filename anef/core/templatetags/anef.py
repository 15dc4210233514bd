from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from anef.core.formats import euros as euros_text

register = template.Library()


@register.filter
def euros(amount) -> str:
    return euros_text(amount) if amount not in (None, "") else ""


@register.filter
def filesize(value: int) -> str:
    """A file's size in the reader's units and number format (1,5 Mo in French, 1.5 MB in English)."""
    if value < 1024 * 1024:
        return _("%(size)s KB") % {"size": number_format(max(1, round(value / 1024)))}
    return _("%(size)s MB") % {"size": number_format(value / 1_048_576, 1)}
