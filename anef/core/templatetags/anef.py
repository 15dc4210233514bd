from django import template

from anef.procedures.texts import localised as _localised

register = template.Library()


@register.filter
def localised(value) -> str:
    """Pick the active language from a catalogue text mapping {"fr": ..., "en": ...}."""
    return _localised(value)


@register.filter
def filesize(value: int) -> str:
    if value < 1024 * 1024:
        return f"{max(1, round(value / 1024))} Ko"
    return f"{value / 1_048_576:.1f} Mo"


@register.filter
def profile_fields(names) -> str:
    """The profile fields named in a history event, as their labels in the reader's language."""
    from django.core.exceptions import FieldDoesNotExist

    from anef.accounts.models import Person

    labels = []
    for name in names or []:
        try:
            labels.append(str(Person._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field removed since the event was written: show its name
            labels.append(name)
    return ", ".join(labels)
