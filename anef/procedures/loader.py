"""Load and validate the procedure catalogue: one YAML file per procedure in `catalogue/`.

Validation is strict so that a mistake in a data file fails the load (and the test suite) with a
message naming the file and the key, instead of showing a broken form to applicants.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from anef.accounts.constants import PermitType

from .constants import Category, FieldType, IssuedDocumentType, RecepisseType
from .models import Procedure

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
LANGUAGES = ("fr", "en")
CODE_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

TOP_KEYS = {
    "code", "version", "category", "family", "renewal", "requires_current_permit", "title", "summary",
    "eligibility", "legal_basis", "fee", "target_days", "biometrics", "yields", "recepisse_type",
    "grants_work", "permit_type", "questions", "fields", "documents",
}  # fmt: skip
REQUIRED_TOP_KEYS = TOP_KEYS - {"recepisse_type", "questions", "permit_type"}
QUESTION_KEYS = {"name", "label", "help", "expected", "if_not"}
FIELD_KEYS = {"name", "type", "label", "help", "required", "choices", "when"}
DOCUMENT_KEYS = {"code", "label", "help", "required", "when"}
FEE_KEYS = {"amount_eur", "stamp", "note"}


class CatalogueError(ValueError):
    pass


@dataclass
class _Checker:
    source: str

    def fail(self, message: str):
        raise CatalogueError(f"{self.source}: {message}")

    def text(self, value, where: str, optional: bool = False):
        if value is None and optional:
            return
        if not isinstance(value, dict) or any(not str(value.get(lang) or "").strip() for lang in LANGUAGES):
            self.fail(f"{where} must give a non-empty text for each of {', '.join(LANGUAGES)}")

    def keys(self, mapping, allowed: set, required: set, where: str):
        if not isinstance(mapping, dict):
            self.fail(f"{where} must be a mapping")
        unknown = set(mapping) - allowed
        if unknown:
            self.fail(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
        missing = required - set(mapping)
        if missing:
            self.fail(f"{where} lacks keys: {', '.join(sorted(missing))}")

    def condition(self, condition, known: dict[str, dict], where: str):
        if condition is None:
            return
        if not isinstance(condition, dict) or "field" not in condition or len(condition) != 2:
            self.fail(f"{where}.when must be {{field: ..., equals: ...}} or {{field: ..., in: [...]}}")
        field = known.get(condition["field"])
        if field is None:
            self.fail(f"{where}.when refers to {condition['field']!r}, which is not an earlier field")
        if "equals" in condition:
            values = [condition["equals"]]
        elif isinstance(condition.get("in"), list):
            values = condition["in"]
        else:
            self.fail(f"{where}.when needs 'equals' or a list 'in'")
        if field["type"] == FieldType.CHOICE:
            allowed = {choice["value"] for choice in field["choices"]}
            if not set(values) <= allowed:
                self.fail(f"{where}.when uses values that {condition['field']!r} cannot take")
        if field["type"] == FieldType.BOOLEAN and not all(isinstance(v, bool) for v in values):
            self.fail(f"{where}.when must compare {condition['field']!r} with true or false")


def validate(definition: dict, source: str) -> dict:
    """Check one procedure definition; return it with defaults filled in."""
    check = _Checker(source)
    check.keys(definition, TOP_KEYS, REQUIRED_TOP_KEYS, "procedure")
    if not isinstance(definition["code"], str) or not CODE_RE.match(definition["code"]):
        check.fail("code must be lowercase letters, digits and hyphens")
    if not isinstance(definition["version"], int) or definition["version"] < 1:
        check.fail("version must be a positive integer")
    if definition["category"] not in Category.values:
        check.fail(f"category must be one of {', '.join(Category.values)}")
    if not isinstance(definition["family"], str) or not CODE_RE.match(definition["family"]):
        check.fail("family must be lowercase letters, digits and hyphens")
    for key in ("title", "summary", "eligibility", "legal_basis"):
        check.text(definition[key], key)
    for key in ("renewal", "requires_current_permit", "biometrics", "grants_work"):
        if not isinstance(definition[key], bool):
            check.fail(f"{key} must be true or false")
    if definition.get("permit_type") is not None and definition["permit_type"] not in PermitType.values:
        check.fail(f"permit_type must be one of {', '.join(PermitType.values)}")
    if not isinstance(definition["target_days"], int) or definition["target_days"] < 1:
        check.fail("target_days must be a positive integer")
    fee = definition["fee"]
    check.keys(fee, FEE_KEYS, {"amount_eur", "stamp"}, "fee")
    try:
        amount = Decimal(str(fee["amount_eur"]))
    except ArithmeticError:
        check.fail("fee.amount_eur must be a number")
    if amount < 0:
        check.fail("fee.amount_eur cannot be negative")
    check.text(fee.get("note"), "fee.note", optional=True)
    yields = definition["yields"]
    if not isinstance(yields, list) or not set(yields) <= set(IssuedDocumentType.values):
        check.fail(f"yields must be a list of {', '.join(IssuedDocumentType.values)}")
    if definition.get("recepisse_type") not in (None, *RecepisseType.values):
        check.fail(f"recepisse_type must be null or one of {', '.join(RecepisseType.values)}")

    definition.setdefault("questions", [])
    names: set[str] = set()
    for index, question in enumerate(definition["questions"]):
        where = f"questions[{index}]"
        check.keys(question, QUESTION_KEYS, {"name", "label", "expected", "if_not"}, where)
        if not NAME_RE.match(str(question["name"])) or question["name"] in names:
            check.fail(f"{where}.name must be a unique snake_case name")
        names.add(question["name"])
        check.text(question["label"], f"{where}.label")
        check.text(question.get("help"), f"{where}.help", optional=True)
        check.text(question["if_not"], f"{where}.if_not")
        if not isinstance(question["expected"], bool):
            check.fail(f"{where}.expected must be true or false")

    fields: dict[str, dict] = {}
    for index, field in enumerate(definition["fields"]):
        where = f"fields[{index}]"
        check.keys(field, FIELD_KEYS, {"name", "type", "label"}, where)
        name = field["name"]
        if not NAME_RE.match(str(name)) or name in fields or name == "stamp_number":
            check.fail(f"{where}.name must be a unique snake_case name (and not 'stamp_number')")
        if field["type"] not in FieldType.values:
            check.fail(f"{where}.type must be one of {', '.join(FieldType.values)}")
        check.text(field["label"], f"{where}.label")
        check.text(field.get("help"), f"{where}.help", optional=True)
        field.setdefault("required", True)
        if field["type"] == FieldType.CHOICE:
            choices = field.get("choices")
            if not isinstance(choices, list) or not choices:
                check.fail(f"{where} is a choice and needs choices")
            for choice in choices:
                check.keys(choice, {"value", "label"}, {"value", "label"}, f"{where}.choices")
                check.text(choice["label"], f"{where}.choices.label")
        elif "choices" in field:
            check.fail(f"{where} has choices but is not of type choice")
        check.condition(field.get("when"), fields, where)
        fields[name] = field

    codes: set[str] = set()
    for index, document in enumerate(definition["documents"]):
        where = f"documents[{index}]"
        check.keys(document, DOCUMENT_KEYS, {"code", "label"}, where)
        if not NAME_RE.match(str(document["code"])) or document["code"] in codes:
            check.fail(f"{where}.code must be a unique snake_case code")
        codes.add(document["code"])
        check.text(document["label"], f"{where}.label")
        check.text(document.get("help"), f"{where}.help", optional=True)
        document.setdefault("required", True)
        check.condition(document.get("when"), fields, where)
    return definition


def read_catalogue(directory: Path = CATALOGUE_DIR) -> list[dict]:
    definitions = []
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            definition = yaml.safe_load(handle)
        definition = validate(definition, path.name)
        if definition["code"] != path.stem:
            raise CatalogueError(f"{path.name}: code {definition['code']!r} must equal the file name")
        definitions.append(definition)
    if not definitions:
        raise CatalogueError(f"no procedure found in {directory}")
    return definitions


ORDER = [
    "student-first", "student-renewal", "employee-first", "employee-renewal", "family-first",
    "family-renewal", "talent-passport", "talent-passport-renewal", "visitor", "visitor-renewal",
    "vls-ts-validation", "card-duplicate",
    "change-of-address", "change-of-situation", "naturalisation", "appeal-gracious",
]  # fmt: skip


@transaction.atomic
def load_catalogue(directory: Path = CATALOGUE_DIR) -> tuple[int, int]:
    """Create or update every procedure from the files. Returns (created, updated).

    A procedure whose file disappeared is closed to new applications, never deleted: existing
    applications keep pointing at it.
    """
    definitions = read_catalogue(directory)
    existing = {procedure.code: procedure for procedure in Procedure.objects.all()}
    created = updated = 0
    for definition in definitions:
        code = definition["code"]
        values = {
            "version": definition["version"],
            "category": definition["category"],
            "family": definition["family"],
            "renewal": definition["renewal"],
            "requires_current_permit": definition["requires_current_permit"],
            "fee_eur": Decimal(str(definition["fee"]["amount_eur"])),
            "target_days": definition["target_days"],
            "biometrics": definition["biometrics"],
            "grants_work": definition["grants_work"],
            "definition": definition,
            "active": True,
            "position": ORDER.index(code) if code in ORDER else len(ORDER),
        }
        procedure = existing.get(code)
        if procedure is None:
            Procedure.objects.create(code=code, **values)
            created += 1
        elif any(getattr(procedure, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(procedure, key, value)
            procedure.save(update_fields=[*values, "updated_at"])
            updated += 1
    Procedure.objects.exclude(code__in=[d["code"] for d in definitions]).update(active=False)
    return created, updated
