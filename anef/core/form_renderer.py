"""The form renderer: django-dsfr's, with Django's own <select> written in Python.

A select renders one template per option, and each option a template for its attributes: the queue's filters
and the case page's forms spent more time there than in all their queries. The HTML is the same, character
for character, as Django's templates write it (anef/core/tests/test_form_renderer.py compares them); a
project or app that overrides those templates gets its own, through the templates, as before."""

from pathlib import Path

import django
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrDjangoTemplates

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
DJANGOS_OWN = Path(django.__file__).resolve().parent / "forms" / "templates"


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_select(widget: dict) -> str | None:
    """django/forms/widgets/select.html and select_option.html, or None if an option has another template."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's last line break
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts).strip()  # as the template renderer strips what it renders


class FormRenderer(DsfrDjangoTemplates):
    @cached_property
    def _selects_are_djangos(self) -> bool:
        """The select templates this renderer would use are Django's own (no app overrides them)."""
        return all(
            Path(self.get_template(name).origin.name).resolve().is_relative_to(DJANGOS_OWN) for name in (SELECT, OPTION)
        )

    def render(self, template_name, context, request=None):
        if template_name == SELECT and self._selects_are_djangos:
            html = render_select(context["widget"])
            if html is not None:
                return mark_safe(html)  # noqa: S308 (every value above is escaped)
        return super().render(template_name, context, request)
