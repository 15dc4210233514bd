"""What a package imports, read from its source (no import is run): for the tests that hold the layers."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: anef/ is in it


def module_name(path: Path) -> str:
    parts = path.resolve().relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, in functions and under
    TYPE_CHECKING too; relative imports are resolved against the file's package."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # `from anef import accounts` imports the package named after the dot.
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names)


def imports_under(folder: Path, *, skip_tests: bool = True) -> Iterator[tuple[str, int, str]]:
    """(file, line, module imported) for every Python file under the folder; tests left out by default."""
    for path in sorted(folder.rglob("*.py")):
        if skip_tests and "tests" in path.relative_to(folder).parts:
            continue
        for line, module in imports_of(path):
            yield str(path.relative_to(ROOT)), line, module


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")
