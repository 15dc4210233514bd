"""Selects written in Python (anef/core/form_renderer.py): the same HTML as Django's templates, character
for character, whatever the choices, groups, selection and attributes."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrDjangoTemplates

from anef.backoffice.filters import QueueFilter
from anef.core.form_renderer import SELECT, FormRenderer, render_select


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "— choose —"), ("a", "A & B"), ("b", 'Say "hi" <b>')])
    grouped = forms.ChoiceField(
        choices=[("Europe", [("fr", "France"), ("de", "Germany")]), ("Africa", [("ml", "Mali")]), ("x", "Other")]
    )
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, mark_safe("<i>Three</i>"))])
    typed = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plain"].widget.attrs.update(
            {"class": "fr-select", "aria-describedby": "x-hint", "required": True, "disabled": False, "data-x": None}
        )


@pytest.mark.parametrize(
    "data",
    [None, {"plain": "b", "grouped": "ml", "many": ["1", "3"], "typed": "2"}, {"plain": "zz", "grouped": "x"}],
)
def test_selects_are_written_as_djangos_templates_write_them(data):
    form = Everything(data)
    ours, djangos = FormRenderer(), DsfrDjangoTemplates()
    assert ours._selects_are_djangos  # so the Python path is the one taken
    for field in form:
        context = field.field.widget.get_context(field.html_name, field.value(), field.build_widget_attrs({}))
        assert render_select(context["widget"]) == ours.render(SELECT, context) == djangos.render(SELECT, context)


@pytest.mark.django_db
def test_the_queue_filters_render_the_same():
    form = QueueFilter({"state": "in_review", "sort": "filed_at"}, queryset=None).form
    for field in form:
        if isinstance(field.field.widget, forms.Select):
            context = field.field.widget.get_context(field.html_name, field.value(), {"class": "fr-select"})
            assert render_select(context["widget"]) == DsfrDjangoTemplates().render(SELECT, context)
            assert "<option" in render_select(context["widget"])
