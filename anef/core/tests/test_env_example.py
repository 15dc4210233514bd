"""deploy/anef.env.example lists every environment variable the code reads, so that it cannot drift:
a new os.environ read of an ANEF_* name (or DATABASE_URL) without its line there fails here."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "deploy" / "anef.env.example"
NAME = re.compile(r"^(ANEF_[A-Z0-9_]+|DATABASE_URL)$")
# Read by test helpers only, never by a deployed process.
NOT_DEPLOYED = ("tests", "testing")
DEPLOY_SCRIPTS = ("backup", "restore", "migrate")  # Python without an extension


def _is_environ(node: ast.expr) -> bool:
    """os.environ or environ."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def environment_reads(source: str) -> set[str]:
    """Names read from the environment: os.environ.get("X"), os.environ["X"], os.getenv("X"), and
    the settings' helpers env_bool("X"), env_days("X")... (any function named env_*)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                names.add(node.slice.value)
        elif isinstance(node, ast.Call):
            func = node.func
            environ_method = isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault")
            reads = (
                (environ_method and _is_environ(func.value))
                or (isinstance(func, ast.Attribute) and func.attr == "getenv")
                or (isinstance(func, ast.Name) and (func.id == "getenv" or func.id.startswith("env_")))
            )
            if reads and (name := _first_string(node)):
                names.add(name)
    return {name for name in names if NAME.match(name)}


def deployed_sources() -> list[Path]:
    code = [
        path
        for path in (ROOT / "anef").rglob("*.py")
        if not set(path.relative_to(ROOT).parts) & set(NOT_DEPLOYED) and "migrations" not in path.parts
    ]
    return [*code, *(ROOT / "deploy").glob("*.py"), *(ROOT / "deploy" / name for name in DEPLOY_SCRIPTS)]


def read_by_the_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in deployed_sources():
        for name in environment_reads(path.read_text(encoding="utf-8")):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def listed_in_the_example() -> set[str]:
    line = re.compile(r"^#?([A-Z][A-Z0-9_]*)=")
    return {match.group(1) for text in EXAMPLE.read_text(encoding="utf-8").splitlines() if (match := line.match(text))}


def test_every_variable_the_code_reads_is_in_the_example():
    missing = {name: where for name, where in read_by_the_code().items() if name not in listed_in_the_example()}
    assert not missing, (
        "Environment variables read by the code but missing from deploy/anef.env.example (add each with its "
        f"meaning, default and whether production requires it): {missing}"
    )


def test_the_scan_finds_the_reads_it_must_find():
    # The settings' variables are found whatever the way they are read; a test helper's are not asked for.
    found = read_by_the_code()
    for name in ("DATABASE_URL", "ANEF_SECRET_KEY", "ANEF_DEBUG", "ANEF_RETENTION_DRAFTS_DAYS", "ANEF_S3_SSE"):
        assert name in found
    assert "ANEF_BROWSER" not in found  # anef/testing: the browser tests' Chromium


def test_the_scan_recognises_each_way_of_reading():
    source = (
        "import os\nfrom os import environ, getenv\n"
        'a = os.environ.get("ANEF_A", "1")\nb = os.environ["ANEF_B"]\nc = os.getenv("ANEF_C")\n'
        'd = env_days("ANEF_D", 3)\ne = environ.get("DATABASE_URL")\nf = getenv("ANEF_F")\n'
        'g = settings.get("ANEF_NOT_ENV")\nh = os.environ.get("HOME")\n'
    )
    assert environment_reads(source) == {"ANEF_A", "ANEF_B", "ANEF_C", "ANEF_D", "DATABASE_URL", "ANEF_F"}


def test_the_example_gives_each_variable_once():
    line = re.compile(r"^#?([A-Z][A-Z0-9_]*)=")
    names = [m.group(1) for text in EXAMPLE.read_text(encoding="utf-8").splitlines() if (m := line.match(text))]
    assert len(names) == len(set(names)), sorted({name for name in names if names.count(name) > 1})


def test_every_variable_in_the_example_is_read_by_the_code():
    """The other way round: a line for a variable nothing reads (renamed, removed) misleads an operator."""
    unread = {name for name in listed_in_the_example() if NAME.match(name)} - set(read_by_the_code())
    assert not unread, f"deploy/anef.env.example lists variables that no deployed code reads: {sorted(unread)}"
