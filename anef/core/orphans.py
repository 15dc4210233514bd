"""Files in the storage that no row names: removed after a grace period.

An upload writes its file inside the transaction that records its row (the row never names a
missing file); a web worker killed after the write and before the commit, or a transaction that
fails after it, leaves a file that no row names and no retention rule will ever erase. This daily
sweep compares the storage with the rows of every `FileField` of every installed model (found
through the app registry, so that core imports no domain app) and deletes what no row names once
it is older than `ANEF_ORPHAN_FILES_GRACE_HOURS` (a younger file may belong to an upload still in
progress). It only lists folders and asks the storage for the age of the orphans it found, so it
works on a local folder and on S3 alike; it reads at most `ANEF_ORPHAN_FILES_SCAN_LIMIT` names a run.
Running it twice deletes nothing the second time.
"""

import logging
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone

logger = logging.getLogger(__name__)
CHUNK = 500


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _roots(fields) -> set[str]:
    """The top folders the fields write to: from a literal `upload_to`, and from the names stored
    (a callable `upload_to` cannot be read without an instance)."""
    roots = set(settings.ANEF_ORPHAN_FILES_EXTRA_ROOTS)
    for model, field in fields:
        if isinstance(field.upload_to, str) and "/" in field.upload_to:
            roots.add(field.upload_to.split("/", 1)[0])
        stored = (
            model._base_manager.exclude(**{field.attname: ""})
            .annotate(_slash=StrIndex(F(field.attname), Value("/")))
            .filter(_slash__gt=1)
            .annotate(_top=Substr(F(field.attname), 1, F("_slash") - 1))
            .order_by()
            .values_list("_top", flat=True)
            .distinct()
        )
        roots.update(stored)
    return {root for root in roots if root and "%" not in root}


def _walk(storage, root: str) -> Iterator[str]:
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in sorted(files):
            yield f"{folder}/{name}"
        folders.extend(f"{folder}/{sub}" for sub in sorted(subfolders, reverse=True))


def _named(fields, names: list[str]) -> set[str]:
    named = set()
    for model, field in fields:
        named.update(
            model._base_manager.filter(**{f"{field.attname}__in": names}).values_list(field.attname, flat=True)
        )
    return named


def sweep_orphan_files() -> dict:
    cutoff = timezone.now() - timedelta(hours=settings.ANEF_ORPHAN_FILES_GRACE_HOURS)
    limit = settings.ANEF_ORPHAN_FILES_SCAN_LIMIT
    by_storage = defaultdict(list)
    for model, field in file_fields():
        by_storage[field.storage].append((model, field))

    result = {"scanned": 0, "deleted": 0, "young": 0, "truncated": False}
    for storage, fields in by_storage.items():
        batch = []

        def check(batch, storage=storage, fields=fields):
            named = _named(fields, batch)
            for name in batch:
                if name in named:
                    continue
                if storage.get_modified_time(name) >= cutoff:
                    result["young"] += 1
                    continue
                storage.delete(name)
                result["deleted"] += 1
                logger.info("Orphan file deleted (no row names it): %s", name)

        for root in sorted(_roots(fields)):
            for name in _walk(storage, root):
                if result["scanned"] >= limit:
                    result["truncated"] = True
                    break
                result["scanned"] += 1
                batch.append(name)
                if len(batch) == CHUNK:
                    check(batch)
                    batch = []
            if result["truncated"]:
                break
        if batch:
            check(batch)
    if result["truncated"]:
        logger.warning("The orphan files sweep stopped after %s names: raise ANEF_ORPHAN_FILES_SCAN_LIMIT", limit)
    return result
