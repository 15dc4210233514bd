from django import template

from anef.procedures.texts import localised as _localised

register = template.Library()


@register.filter
def localised(value) -> str:
    """Pick the active language from a catalogue text mapping {"fr": ..., "en": ...}."""
    return _localised(value)
