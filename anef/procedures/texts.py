"""Texts of the catalogue are mappings of language code to text; pick the active language."""

from django.conf import settings
from django.utils.translation import get_language


def localised(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return value.get(language) or value.get(settings.LANGUAGE_CODE) or next(iter(value.values()), "")


def describe_condition(condition: dict, fields: list[dict]) -> str:
    """“Only if you answered X to Y”, in the active language."""
    from django.utils.translation import gettext as _

    source = next(field for field in fields if field["name"] == condition["field"])
    values = [condition["equals"]] if "equals" in condition else condition["in"]
    if source["type"] == "choice":
        names = {choice["value"]: localised(choice["label"]) for choice in source["choices"]}
        shown = ", ".join(str(names.get(value, value)) for value in values)
    elif source["type"] == "boolean":
        shown = ", ".join(str(_("Yes") if value else _("No")) for value in values)
    else:
        shown = ", ".join(str(value) for value in values)
    return _("Only if you answered “%(answer)s” to “%(question)s”.") % {
        "answer": shown,
        "question": localised(source["label"]),
    }
