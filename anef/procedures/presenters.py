"""A procedure's answers as people read them: the same rows on the applicant's pages and the case page."""

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anef.core.formats import quantity

from .conditions import applicable
from .constants import FieldType
from .models import Procedure
from .texts import localised


class AnswerRow(NamedTuple):
    label: str
    value: str
    typed: bool = False  # words the person typed, in their language (not translated for the reader)


def answer_rows(procedure: Procedure, answers: Mapping) -> list[AnswerRow]:
    """A row for each field that applies to these answers, then the tax stamp."""
    rows = []
    for field in applicable(procedure.fields, answers):
        value = answers.get(field["name"])
        if value is None:
            shown = "—"
        elif field["type"] == FieldType.BOOLEAN:
            shown = _("Yes") if value else _("No")
        elif field["type"] == FieldType.CHOICE:
            shown = next((localised(c["label"]) for c in field["choices"] if c["value"] == value), value)
        elif field["type"] == FieldType.DATE:
            shown = date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        elif field["type"] == FieldType.NUMBER:
            shown = quantity(value)
        else:
            shown = str(value)
        typed = field["type"] in (FieldType.TEXT, FieldType.TEXTAREA) and value is not None
        rows.append(AnswerRow(localised(field["label"]), shown, typed))
    if procedure.needs_stamp:
        rows.append(AnswerRow(_("Tax stamp number"), answers.get("stamp_number") or "—"))
    return rows
