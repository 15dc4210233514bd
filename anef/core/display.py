"""`get_FOO_display()` without Django's cost: Django rebuilds a dict of every choice at each call, and hashing
a lazy label translates it, so one call on a field of eighty choices (an event's kind) translates eighty
labels. A supervision list of fifty files spent most of its time there. Here each field's labels are
translated once per language and process (they are code, not data: nothing to share between processes)."""

from functools import partialmethod

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_LABELS: dict[tuple[int, str | None], dict] = {}


def _fast_display(self, field):
    value = getattr(self, field.attname)
    key = (id(field), get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = {make_hashable(choice): force_str(label) for choice, label in field.flatchoices}
        _LABELS[key] = labels
    try:
        return labels.get(make_hashable(value), value)
    except TypeError:  # an unhashable value that make_hashable could not turn hashable: as Django does
        return value


def speed_up_choice_labels(app_models) -> int:
    """Replace Django's generated `get_FOO_display` of every model field with choices (never one a model
    writes itself). Returns how many were replaced."""
    replaced = 0
    for model in app_models:
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if field.choices and isinstance(method, partialmethod) and method.func is models.Model._get_FIELD_display:
                setattr(model, name, partialmethod(_fast_display, field=field))
                replaced += 1
    return replaced
