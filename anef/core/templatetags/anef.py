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
