"""The history's words in templates: `{% event_reason event as reason %}` then `reason.text`,
`reason.lang` (set on the element when it differs from the page's) and `reason.foreign`; and
`{{ event|event_detail }}` (the document issued, the fields changed, by their names)."""

from django import template
from django.utils import translation

from anef.applications.wording import detail_of, reason_of

register = template.Library()


@register.simple_tag
def event_reason(event) -> dict:
    text, language = reason_of(event)
    reader = (translation.get_language() or "").split("-")[0]
    foreign = bool(text) and bool(language) and language != reader
    return {"text": text, "lang": language if foreign else "", "foreign": foreign}


@register.filter
def event_detail(event) -> str:
    return detail_of(event)
