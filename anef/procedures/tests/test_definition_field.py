"""A procedure's definition is decoded once per version (anef/procedures/fields.py): every row of the same
version shares it, a new version is read anew."""

import pytest

from anef.applications.models import Application
from anef.procedures.models import Procedure
from anef.testing import draft, make_applicant

pytestmark = pytest.mark.django_db


def test_files_of_one_procedure_share_its_decoded_definition_and_a_change_is_read_at_once():
    person = make_applicant()
    draft(person), draft(person)
    first, second = Application.objects.select_related("procedure").order_by("pk")[:2]
    assert first.procedure.definition is second.procedure.definition
    assert first.procedure.title == second.procedure.title != ""

    procedure = Procedure.objects.get(pk=first.procedure_id)
    changed = {**procedure.definition, "title": {"fr": "Titre changé", "en": "Changed title"}}
    Procedure.objects.filter(pk=procedure.pk).update(definition=changed)
    again = Procedure.objects.get(pk=procedure.pk)
    assert again.definition["title"] == {"fr": "Titre changé", "en": "Changed title"}
    assert Procedure.objects.get(pk=procedure.pk).definition is again.definition
