"""The history's words in templates: `{% event_reason event as reason %}` then `reason.text`,
`reason.lang` (set on the element when it differs from the page's) and `reason.foreign`; and
`{{ event|event_detail }}` (the document issued, the fields changed, by their names); and
`event|requested_in:procedure` (the items a request asked for)."""

from django import template
from django.utils import translation

from anef.applications.requested import requested_items
from anef.applications.wording import detail_of, reason_of
from anef.procedures.texts import localised

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


@register.filter
def requested_in(event, procedure) -> list:
    """The items a request event asked for, ready to read (`applications.requested`)."""
    return requested_items(procedure, (event.payload or {}).get("requested", []))


@register.filter
def document_labels(codes, procedure) -> str:
    """Documents of the procedure's list by their names in the active language, for codes kept in a payload."""
    labels = {document["code"]: localised(document["label"]) for document in procedure.documents}
    return ", ".join(labels.get(code, code) for code in codes or [])
