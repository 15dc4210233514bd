"""Append-only tables, enforced by PostgreSQL and not only by Django.

The models' own `save()`/`delete()` refuse to change a row, but a query (`QuerySet.update()`, raw
SQL, a console) goes around them. On PostgreSQL each append-only table carries two row triggers
(django-pgtrigger, declared in the model's Meta and installed by its migrations) that raise on
UPDATE and on DELETE. TRUNCATE does not fire them (tests flush tables that way).

Nothing in the product rewrites a row. The only deletions are the retention sweep's, and they are
made explicit with `purging(...)`: it lifts the DELETE trigger of the named tables for the queries
run inside it, through a transaction-local setting (`pgtrigger.ignore`); the UPDATE trigger is never
lifted by the product. On SQLite the triggers do not exist and `purging` changes nothing.
"""

import contextlib
from collections.abc import Iterator

import pgtrigger

UPDATE_TRIGGER = "append_only_update"
DELETE_TRIGGER = "append_only_delete"


def append_only_triggers() -> list[pgtrigger.Trigger]:
    """The triggers an append-only model lists in its Meta."""
    return [
        pgtrigger.Protect(name=UPDATE_TRIGGER, operation=pgtrigger.Update),
        pgtrigger.Protect(name=DELETE_TRIGGER, operation=pgtrigger.Delete),
    ]


@contextlib.contextmanager
def purging(*models) -> Iterator[None]:
    """Allow DELETE (never UPDATE) on these append-only tables for the queries run inside."""
    with pgtrigger.ignore(*(f"{model._meta.label}:{DELETE_TRIGGER}" for model in models)):
        yield
