from django import template

from anef.sharing.rights import right_texts as _right_texts

register = template.Library()


@register.simple_tag
def right_texts(result: dict) -> dict[str, str]:
    """`{% right_texts result as answer %}`: the verdict's title and lines in the active language."""
    return _right_texts(result)
