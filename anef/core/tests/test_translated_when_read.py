"""Texts are translated when a person reads them, never once for all when a module is imported:
a `gettext` evaluated at import (module level, class body, default argument, decorator) freezes
the language of whoever started the process (the back office's success messages were always
French). Lazy translations there, `gettext` inside functions."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from anef.accounts.constants import Role
from anef.testing import make_applicant, make_staff, submitted

EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}
ROOT = Path(__file__).resolve().parents[2]


def calls_at_import(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    bound = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }
    found = []

    def eager_calls(node):
        return [
            f"{path.relative_to(ROOT.parent)}:{n.lineno}"
            for n in ast.walk(node)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in bound
        ]

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                # Only what runs when the function is defined: decorators and default values.
                for part in [*getattr(child, "decorator_list", []), *child.args.defaults, *child.args.kw_defaults]:
                    if part is not None:
                        found.extend(eager_calls(part))
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in bound:
                found.append(f"{path.relative_to(ROOT.parent)}:{child.lineno}")
            visit(child)

    if bound:
        visit(tree)
    return found


def test_no_text_is_translated_when_a_module_is_imported():
    found = [
        call
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts and "tests" not in path.parts
        for call in calls_at_import(path)
    ]
    assert not found, f"gettext at import time (use gettext_lazy there): {found}"


@pytest.mark.django_db
def test_the_back_offices_messages_are_in_the_agents_language():
    agent = make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69")
    filed = submitted(make_applicant(postcode="69003"))
    for language, expected in (("en", "Assignment saved."), ("fr", "Attribution enregistrée.")):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(agent)
        response = client.post(
            reverse("backoffice:act", args=[filed.reference, "assign"]), {"assignee": agent.pk}, follow=True
        )
        assert expected in response.content.decode(), language
