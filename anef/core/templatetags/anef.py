from django import template

register = template.Library()


@register.filter
def filesize(value: int) -> str:
    if value < 1024 * 1024:
        return f"{max(1, round(value / 1024))} Ko"
    return f"{value / 1_048_576:.1f} Mo"
