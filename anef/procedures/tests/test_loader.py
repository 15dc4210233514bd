import copy
import shutil

import pytest
import yaml

from anef.procedures.loader import CATALOGUE_DIR, CatalogueError, load_catalogue, read_catalogue, validate
from anef.procedures.models import Procedure

SPEC_PROCEDURES = {
    "student-first", "student-renewal", "employee-first", "employee-renewal", "family-first", "family-renewal",
    "talent-passport", "visitor", "vls-ts-validation", "card-duplicate", "change-of-address",
    "change-of-situation", "naturalisation", "appeal-gracious",
}  # fmt: skip


def _definition(code="student-renewal"):
    with (CATALOGUE_DIR / f"{code}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_the_catalogue_holds_every_procedure_of_the_spec_with_both_languages():
    definitions = {d["code"]: d for d in read_catalogue()}
    assert set(definitions) >= SPEC_PROCEDURES
    for definition in definitions.values():
        assert definition["title"]["fr"] and definition["title"]["en"]
        assert "attestation_depot" in definition["yields"]
        assert "decision_letter" in definition["yields"]
        if definition["renewal"]:
            assert "api" in definition["yields"], definition["code"]


def test_renewals_share_a_family_with_the_first_permit():
    definitions = {d["code"]: d for d in read_catalogue()}
    assert definitions["student-first"]["family"] == definitions["student-renewal"]["family"]
    assert definitions["change-of-address"]["family"] != definitions["student-renewal"]["family"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(colour="blue"), "unknown keys: colour"),
        (lambda d: d["title"].update(en=""), "title must give a non-empty text"),
        (lambda d: d.update(category="holiday"), "category must be one of"),
        (lambda d: d["fields"].append({"name": "x", "type": "slider", "label": {"fr": "x", "en": "x"}}), "type must"),
        (
            lambda d: d["documents"].append(
                {"code": "extra", "label": {"fr": "a", "en": "a"}, "when": {"field": "nope", "equals": 1}}
            ),
            "not an earlier field",
        ),
        (lambda d: d["documents"].append(copy.deepcopy(d["documents"][0])), "unique snake_case code"),
        (lambda d: d.update(yields=["golden_ticket"]), "yields must be"),
        (lambda d: d.update(target_days=0), "target_days"),
    ],
)
def test_a_broken_definition_is_refused_with_a_message_naming_the_problem(mutate, message):
    definition = _definition()
    mutate(definition)
    with pytest.raises(CatalogueError, match=message):
        validate(definition, "student-renewal.yaml")


def test_a_condition_on_a_choice_must_use_a_value_the_choice_can_take():
    definition = _definition("family-first")
    conditioned = next(d for d in definition["documents"] if d.get("when") and "equals" in d["when"])
    conditioned["when"]["equals"] = "not-a-choice"
    with pytest.raises(CatalogueError, match="cannot take"):
        validate(definition, "family-first.yaml")


@pytest.mark.django_db
def test_adding_a_procedure_is_adding_a_file(tmp_path):
    for path in CATALOGUE_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    new = _definition("visitor")
    new["code"] = "visitor-extra"
    new["title"] = {"fr": "Nouvelle démarche", "en": "New procedure"}
    (tmp_path / "visitor-extra.yaml").write_text(yaml.safe_dump(new, allow_unicode=True), encoding="utf-8")

    created, _updated = load_catalogue(tmp_path)

    assert created == 1
    assert Procedure.objects.get(code="visitor-extra").title == "Nouvelle démarche"


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_a_removed_file_closes_the_procedure(tmp_path):
    assert load_catalogue() == (0, 0)
    for path in CATALOGUE_DIR.glob("*.yaml"):
        if path.stem != "visitor":
            shutil.copy(path, tmp_path)
    load_catalogue(tmp_path)
    assert not Procedure.objects.get(code="visitor").active
