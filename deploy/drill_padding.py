#!/usr/bin/env python
"""Pads the drill's demo installation to a size where the backup's figures mean something
(deploy/drill, with DRILL_EXTRA_FILES and DRILL_EXTRA_ROWS). Never run it on a real installation.

    python deploy/drill_padding.py FILES KILOBYTES ROWS

- FILES more uploaded scans of KILOBYTES each (random bytes: scans do not compress), stored through
  the configured storage (folder or bucket) with their rows and SHA-256, as earlier versions of the
  demo files' documents (superseded), so that check_restore hashes them after the restore;
- ROWS more security events (sign-ins), the kind of table that grows with use.
"""

import hashlib
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anef.settings.production")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import storages  # noqa: E402
from django.utils import timezone  # noqa: E402

from anef.documents.models import UploadedDocument  # noqa: E402
from anef.security.constants import SecurityEventKind  # noqa: E402
from anef.security.models import SecurityEvent  # noqa: E402


def pad_files(count: int, kilobytes: int) -> None:
    storage = storages["default"]
    models = list(UploadedDocument.objects.filter(superseded_at__isnull=True).exclude(file="")[:50])
    now = timezone.now()

    def one(index: int) -> UploadedDocument:
        model = models[index % len(models)]
        data = os.urandom(kilobytes * 1024)
        name = storage.save(f"uploads/{now:%Y/%m}/{uuid.uuid4().hex}.pdf", ContentFile(data))
        return UploadedDocument(
            application_id=model.application_id,
            requirement_code=model.requirement_code,
            file=name,
            original_name="padding.pdf",
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            scan_status=model.scan_status,
            uploaded_at=now,
            superseded_at=now,
        )

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        rows = list(pool.map(one, range(count)))
    UploadedDocument.objects.bulk_create(rows, batch_size=1000)
    print(f"{count} files of {kilobytes} KB stored in {time.monotonic() - started:.1f} s")


def pad_rows(count: int) -> None:
    started = time.monotonic()
    batch = 10_000
    for start in range(0, count, batch):
        SecurityEvent.objects.bulk_create(
            SecurityEvent(
                kind=SecurityEventKind.values[0],
                email=f"padding{index}@drill.invalid",
                ip="192.0.2.1",
                user_agent="drill",
                path="/comptes/connexion/",
                details={"padding": index},
            )
            for index in range(start, min(start + batch, count))
        )
    print(f"{count} security events written in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    files, kilobytes, rows = (int(value) for value in sys.argv[1:4])
    pad_files(files, kilobytes)
    pad_rows(rows)
