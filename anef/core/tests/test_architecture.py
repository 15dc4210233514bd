"""Rules of the code's shape that no linter holds (the layers themselves are import-linter's contracts in
pyproject.toml, run by ./test as `lint-imports`).

- A ratchet on imports inside functions: they hide one app's dependency on another, so their number may only
  fall.
- No state, status, kind or role written as a bare string outside the modules that define the choices: code and
  templates compare with the constants (`State.DRAFT`, `Role.HELPER`, `user.is_helper`), so a renamed value
  cannot leave a comparison silently false.

Both scan the product's source (not tests, not migrations) with `ast` and regular expressions; they need no
database.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.db import models

import anef

ANEF = Path(anef.__file__).resolve().parent


def product_modules():
    """(path relative to the repository, parsed tree) of every Python module but tests and migrations."""
    for path in sorted(ANEF.rglob("*.py")):
        relative = path.relative_to(ANEF.parent)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))


# --- Imports inside functions -------------------------------------------------------------------------------

# How many imports of anef modules (absolute or relative) sit inside a function body today. An import inside a
# function hides a dependency from the reader and from the layer contracts' first glance; most of them work
# around an import cycle between apps. This number may only fall: when you remove some, lower it to the
# count the failure message gives. (Imports of other libraries inside functions, kept for start-up time or
# optional dependencies, are not counted.)
IMPORTS_INSIDE_FUNCTIONS = 41


def _first_party(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "anef"
    return any(alias.name.split(".")[0] == "anef" for alias in node.names)


def imports_inside_functions() -> list[str]:
    found = []

    def visit(node, inside_function, path):
        for child in ast.iter_child_nodes(node):
            if inside_function and isinstance(child, ast.Import | ast.ImportFrom) and _first_party(child):
                found.append(f"{path}:{child.lineno}")
            visit(child, inside_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef), path)

    for path, tree in product_modules():
        visit(tree, False, path)
    return found


def test_imports_inside_functions_only_decrease():
    found = imports_inside_functions()
    assert len(found) <= IMPORTS_INSIDE_FUNCTIONS, (
        f"{len(found)} imports of anef modules inside functions, more than the {IMPORTS_INSIDE_FUNCTIONS} "
        "allowed: import at the top of the module (if that makes a cycle, the dependency goes the wrong way: "
        "see the layers in docs/architecture.md). Where they are:\n" + "\n".join(found)
    )
    assert len(found) == IMPORTS_INSIDE_FUNCTIONS, (
        f"Only {len(found)} imports of anef modules inside functions now: lower IMPORTS_INSIDE_FUNCTIONS in "
        f"{Path(__file__).relative_to(ANEF.parent)} from {IMPORTS_INSIDE_FUNCTIONS} to {len(found)}, so that "
        "the count cannot climb back."
    )


# --- No state, status, kind or role literal ---------------------------------------------------------------

# The choices whose values must not be written as bare strings: every TextChoices of anef named like a
# state, a status, a kind, a role, an actor or a verdict (State, EventKind, Role, BookingStatus,
# NotificationState, ...). A new one is held as soon as it is defined.
GUARDED_CHOICES = re.compile(r"(State|Status|Kind|Role|Actor|Verdict)$")
# Field names that hold such values, in keyword arguments (`state="draft"`, `application__state__in=[...]`),
# assignments (`x.status = "open"`) and templates (`{% if user.role == "helper" %}`).
GUARDED_FIELD = re.compile(r"^(\w+_)?(state|status|kind|role|actor|verdict)$")

# Bare literals tolerated, by file (none today; keep it so). Templates compare with the choices that
# anef.context_processors.choices puts in every page's context (`application.state == State.DRAFT`); mails
# and PDFs rendered without a request pass the classes they compare with. A listed literal that is no longer
# found fails the test too, so that this list only shrinks.
LITERAL_EXCEPTIONS: dict[str, set[str]] = {}
TEMPLATE_LITERAL_EXCEPTIONS: dict[str, set[str]] = {}


def _guarded_choices():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [
        cls
        for cls in subclasses(models.TextChoices)
        if cls.__module__.startswith("anef.")
        and ".tests" not in cls.__module__
        and GUARDED_CHOICES.search(cls.__name__)
    ]


def guarded_values() -> tuple[dict[str, list[str]], set[str]]:
    """Each guarded value -> the choices that have it; and the modules that define them (exempt)."""
    values = defaultdict(list)
    defining = set()
    for cls in _guarded_choices():
        defining.add(cls.__module__.replace(".", "/") + ".py")
        for value in cls.values:
            values[value].append(f"{cls.__module__}.{cls.__qualname__}")
    return values, defining


def _strings(node) -> list[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _guarded_keyword(name: str | None) -> bool:
    return bool(name) and any(GUARDED_FIELD.match(part) for part in name.split("__"))


def literals_in_code() -> dict[str, set[str]]:
    """file -> the guarded values written as bare strings in comparisons (`==`, `in`), filters and keyword
    arguments (`state="draft"`), attribute assignments (`x.state = "draft"`) and dictionaries keyed by the
    values of one choices class (two keys or more)."""
    values, defining = guarded_values()
    found = defaultdict(set)
    for path, tree in product_modules():
        if path in defining:
            continue
        for node in ast.walk(tree):
            candidates = []
            if isinstance(node, ast.Compare):
                for operand in (node.left, *node.comparators):
                    candidates += _strings(operand)
            elif isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if _guarded_keyword(keyword.arg):
                        candidates += _strings(keyword.value)
            elif isinstance(node, ast.Assign):
                if any(isinstance(t, ast.Attribute) and GUARDED_FIELD.match(t.attr) for t in node.targets):
                    candidates += _strings(node.value)
            elif isinstance(node, ast.Dict):
                keys = [k for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
                by_class = defaultdict(list)
                for key in keys:
                    for cls in values.get(key.value, []):
                        by_class[cls].append(key)
                candidates += [key for same in by_class.values() if len(same) >= 2 for key in same]
            for constant in candidates:
                if constant.value in values:
                    found[path].add(constant.value)
    return found


# `x.state == "draft"`, `"draft" != x.state`, `x.state in "draft submitted"` in Django templates.
_TEMPLATE_COMPARISON = re.compile(
    r"""(?P<left>[\w.]+)\s*(?:==|!=)\s*(?P<q>["'])(?P<value>[^"']*)(?P=q)"""
    r"""|(?P<q2>["'])(?P<value2>[^"']*)(?P=q2)\s*(?:==|!=)\s*(?P<right>[\w.]+)"""
    r"""|(?P<member>[\w.]+)\s+(?:not\s+)?in\s+(?P<q3>["'])(?P<values>[^"']*)(?P=q3)"""
)


def literals_in_templates() -> dict[str, set[str]]:
    """template -> the guarded values compared by their bare string to a variable named like a state,
    a status, a kind or a role (`application.state`, `user.role`, `booking.kind`)."""
    values, _ = guarded_values()
    found = defaultdict(set)
    for path in sorted(ANEF.rglob("*.html")):
        relative = path.relative_to(ANEF.parent).as_posix()
        for tag in re.findall(r"{%.*?%}", path.read_text(encoding="utf-8"), flags=re.S):
            for match in _TEMPLATE_COMPARISON.finditer(tag):
                variable = match["left"] or match["right"] or match["member"]
                if not GUARDED_FIELD.match(variable.rsplit(".", 1)[-1]):
                    continue
                words = (match["values"] or "").split() or [match["value"] or match["value2"] or ""]
                found[relative].update(word for word in words if word in values)
    return found


def _compare_with_exceptions(found: dict[str, set[str]], exceptions: dict[str, set[str]], where: str) -> None:
    new = {path: sorted(words - exceptions.get(path, set())) for path, words in found.items()}
    new = {path: words for path, words in new.items() if words}
    stale = {path: sorted(words - found.get(path, set())) for path, words in exceptions.items()}
    stale = {path: words for path, words in stale.items() if words}
    assert not new, (
        f"State, status, kind or role values written as bare strings in {where}: use the constants "
        f"(State.DRAFT, Role.HELPER, ...; in templates a property such as user.is_helper): {new}"
    )
    assert not stale, f"These exceptions are fixed: remove them from {Path(__file__).name}: {stale}"


def test_the_guarded_choices_are_found():
    names = {cls.__name__ for cls in _guarded_choices()}
    assert {"State", "EventKind", "Role", "Actor", "BookingStatus", "NotificationState"} <= names


def test_no_state_status_or_role_literal_in_code():
    _compare_with_exceptions(literals_in_code(), LITERAL_EXCEPTIONS, "Python code")


def test_no_state_status_or_role_literal_in_templates():
    _compare_with_exceptions(literals_in_templates(), TEMPLATE_LITERAL_EXCEPTIONS, "templates")
