from django import template
from django.core.exceptions import FieldDoesNotExist

from anef.accounts.franceconnect import franceconnect_enabled
from anef.accounts.models import Person

register = template.Library()


@register.filter
def profile_fields(names) -> str:
    """The profile fields named in a history event, as their labels in the reader's language."""
    labels = []
    for name in names or []:
        try:
            labels.append(str(Person._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field removed since the event was written: show its name
            labels.append(name)
    return ", ".join(labels)


@register.simple_tag
def franceconnect_available() -> bool:
    """Whether FranceConnect is configured here: without it, no button appears anywhere."""
    return franceconnect_enabled()
