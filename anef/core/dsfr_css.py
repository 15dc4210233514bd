"""The DSFR's stylesheet trimmed to the classes the service uses (decision 0020).

The DSFR ships one stylesheet for every component and every icon (about 700 kB, 130 kB compressed with
its utilities): a phone on a slow network waited seconds for rules no page uses. This module builds, from
the DSFR installed with django-dsfr and without any network, one stylesheet that keeps:

- every rule without a DSFR class (elements, custom properties, fonts, icons by attribute selectors);
- every selector whose `fr-` classes all appear in our templates, our Python code or django-dsfr's form
  templates, or are an element or state that the DSFR script adds to a component we use (with `fr-modal`
  used, `fr-modal--opened`: the script names "opened"); a template class written as a prefix
  (`fr-badge--{{ kind }}`) keeps every class that starts with it.

The static-files finder below serves it at `dsfr/dist/anef/dsfr.min.css`, next to the DSFR's own files, so
that its relative links to fonts and icons stay right; collectstatic collects it like any file (production
builds it at the image's build). The result depends only on those sources: it is rebuilt when one changes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import tinycss2
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

NAME = "dsfr/dist/anef/dsfr.min.css"

# A class of the DSFR in a template or in code; when it ends with "-" (or is followed by a template
# expression) it is the prefix of a class made at runtime.
_TOKEN = re.compile(r"fr-[a-zA-Z0-9_-]*[a-zA-Z0-9_-]")
_CLASS = re.compile(r"\.(fr-[a-zA-Z0-9_-]+)")
_CLASS_START = re.compile(r"""\[class[*^]?=["']?\s*(fr-[a-zA-Z0-9_-]+)""")
_NOT = re.compile(r":not\([^()]*\)")
# A component's block: "fr-modal" for fr-modal--opened, "fr-header" for fr-header__menu-links.
_BLOCK = re.compile(r"--|__")


# The kinds of fields our forms use (django-dsfr also has rich radios, cursors, segmented controls).
_FORM_FIELDS = ("input", "checkbox", "checkboxselectmultiple", "radioselect")


def _dsfr_dist() -> Path:
    import dsfr

    return Path(dsfr.__file__).parent / "static" / "dsfr" / "dist"


def _sources() -> list[Path]:
    """The stylesheets kept from (modern browsers only: the legacy files are for Internet Explorer)."""
    dist = _dsfr_dist()
    overrides = dist.parent.parent / "css" / "dsfr-django-overrides.css"  # django-dsfr's, for form errors
    return [dist / "dsfr" / "dsfr.main.min.css", dist / "utility" / "utility.main.min.css", overrides]


def _usage_files() -> list[Path]:
    import dsfr

    base = Path(settings.BASE_DIR) / "anef"
    files = [
        path for path in base.rglob("*") if path.suffix in (".html", ".py", ".txt", ".js") and "tests" not in path.parts
    ]
    package = Path(dsfr.__file__).parent
    # django-dsfr renders our forms (FORM_RENDERER): its form templates and the classes its code adds.
    files += [*package.glob("*.py"), *(package / "templates" / "django").rglob("*.html")]
    files += [*(package / "templates" / "dsfr").glob("form*.html")]
    files += [package / "templates" / "dsfr" / "form_field_snippets" / f"{kind}_snippet.html" for kind in _FORM_FIELDS]
    return sorted(files)


def used_classes() -> tuple[frozenset[str], tuple[str, ...]]:
    """The DSFR classes named anywhere in our sources, and the prefixes of classes made at runtime."""
    names: set[str] = set()
    prefixes: set[str] = set()
    for path in _usage_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _TOKEN.finditer(text):
            token = match.group()
            if text[match.end() : match.end() + 1] in ("-", "{"):
                prefixes.add(token + text[match.end()] if text[match.end()] == "-" else token)
            else:
                names.add(token)
    return frozenset(names), tuple(sorted(p for p in prefixes if p.endswith("-")))


@cache
def _blocks(names: frozenset[str]) -> frozenset[str]:
    return frozenset(_BLOCK.split(name)[0] for name in names)


@cache
def _script_words() -> frozenset[str]:
    """The words of the DSFR script's strings: the elements and states it names ("opened", "menu-links")."""
    script = (_dsfr_dist() / "dsfr" / "dsfr.module.min.js").read_text(encoding="utf-8")
    return frozenset(re.findall(r"[a-z][a-z0-9-]*", " ".join(re.findall(r'"([^"\n]*)"', script))))


def _used(name: str, names: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    if name in names or name.startswith(prefixes):
        return True
    # An element or state of a component we use that the DSFR script adds (fr-modal--opened).
    block, *parts = _BLOCK.split(name)
    return block in _blocks(names) and all(part in _script_words() for part in parts)


def _keeps(selector: str, names: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    # A class under :not() need not be used: `.fr-btns-group:not(.fr-btns-group--sm) .fr-btn` applies.
    while (bare := _NOT.sub("", selector)) != selector:
        selector = bare
    if not all(_used(name, names, prefixes) for name in _CLASS.findall(selector)):
        return False
    # [class^=fr-icon-], [class*=" fr-fi-"]: kept when a class we use starts so.
    return all(
        any(name.startswith(start) for name in names) or start.startswith(prefixes)
        for start in _CLASS_START.findall(selector)
    )


def _trim(rules: list, names: frozenset[str], prefixes: tuple[str, ...]) -> str:
    kept: list[str] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            selectors = [s for s in selectors if _keeps(s, names, prefixes)]
            if selectors:
                kept.append(f"{','.join(selectors)}{{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            if keyword in ("media", "supports", "layer", "container") and rule.content is not None:
                inner = _trim(
                    tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), names, prefixes
                )
                if inner:
                    kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
            elif keyword != "charset":
                kept.append(tinycss2.serialize([rule]))
    return "".join(kept)


def build() -> str:
    """The trimmed stylesheet: the DSFR's rules that our pages can use, in the DSFR's order."""
    names, prefixes = used_classes()
    parts = ['@charset "UTF-8";\n/* DSFR (MIT licence), trimmed to the classes ANEF uses: anef/core/dsfr_css.py */\n']
    for source in _sources():
        rules = tinycss2.parse_stylesheet(source.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
        parts.append(_trim(rules, names, prefixes))
    return "".join(parts)


def _digest() -> str:
    digest = hashlib.sha256()
    for path in [*_sources(), *_usage_files()]:
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@cache
def _built(digest: str) -> Path:
    target = Path(settings.VAR_DIR) / "build" / f"dsfr-{digest}.min.css"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{id(target)}.tmp")
        partial.write_text(build(), encoding="utf-8")
        partial.replace(target)
    return target


def built_stylesheet() -> Path:
    """The trimmed stylesheet on disk, built once per version of its sources."""
    return _built(_digest())


class TrimmedDsfrFinder(BaseFinder):
    """Finds the trimmed DSFR stylesheet for collectstatic, WhiteNoise and the `static` tag."""

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != NAME:
            return [] if find_all else None
        found = str(built_stylesheet())
        return [found] if find_all else found

    def list(self, ignore_patterns) -> Iterator[tuple[str, FileSystemStorage]]:
        built = built_stylesheet()
        storage = FileSystemStorage(location=built.parent)
        yield from [(NAME, _RenamedStorage(storage, built.name))]


class _RenamedStorage:
    """The build directory seen as holding the stylesheet under its static name."""

    def __init__(self, storage: FileSystemStorage, filename: str):
        self._storage = storage
        self._filename = filename

    def path(self, name: str) -> str:
        return self._storage.path(self._filename)

    def open(self, name: str, mode: str = "rb"):
        return self._storage.open(self._filename, mode)

    def get_modified_time(self, name: str):
        return self._storage.get_modified_time(self._filename)

    def exists(self, name: str) -> bool:
        return True
