"""Files that no row names are swept after a grace period; a web worker killed between the file
write and the commit leaves such a file, and the sweep removes it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from anef.core.orphans import file_fields, sweep_orphan_files
from anef.documents.models import UploadedDocument
from anef.documents.services import document_upload
from anef.testing import draft, make_applicant, pdf_upload


@pytest.fixture
def storage_dir(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def _file(root: Path, name: str, hours_old: float) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 left behind")
    past = time.time() - hours_old * 3600
    os.utime(path, (past, past))
    return path


def _upload(person):
    application = draft(person)
    requirement = application.procedure.documents[0]["code"]
    return document_upload(
        application_id=application.pk, requirement_code=requirement, uploaded=pdf_upload(), actor=person.user
    )


def test_every_file_field_of_every_app_is_found():
    found = {f"{model._meta.label}.{field.name}" for model, field in file_fields()}
    assert {
        "documents.UploadedDocument.file",
        "messaging.Attachment.file",
        "notifications.Notification.letter",
    } <= found


@pytest.mark.django_db
def test_old_orphans_are_deleted_young_ones_and_named_files_kept(storage_dir):
    grace = django_settings.ANEF_ORPHAN_FILES_GRACE_HOURS
    document = _upload(make_applicant())
    kept = storage_dir / document.file.name
    os.utime(kept, (time.time() - (grace + 5) * 3600,) * 2)  # old, but named by its row
    old = _file(storage_dir, "uploads/2026/01/0123abcd.pdf", grace + 1)
    old_letter = _file(storage_dir, "letters/2026/01/lost.pdf", grace + 1)
    young = _file(storage_dir, "uploads/2026/01/4567ef.pdf", grace - 1)

    first = sweep_orphan_files()
    second = sweep_orphan_files()

    assert not old.exists() and not old_letter.exists()
    assert kept.exists() and young.exists()
    assert first["deleted"] == 2 and first["young"] == 1 and not first["truncated"]
    assert second["deleted"] == 0


@pytest.mark.django_db
def test_the_sweep_reads_a_bounded_number_of_names(storage_dir, settings):
    settings.ANEF_ORPHAN_FILES_SCAN_LIMIT = 2
    for number in range(3):
        _file(storage_dir, f"uploads/2026/01/{number}.pdf", 100)

    result = sweep_orphan_files()

    assert result["scanned"] == 2 and result["truncated"]


CRASHING_UPLOAD = """
import os, sys
import django
from django.conf import settings
settings.STORAGES = {**settings.STORAGES, "default": {
    "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": sys.argv[1]}}}
django.setup()
from django.core.files.storage import FileSystemStorage
from anef.accounts.models import User
from anef.testing import pdf_upload
from anef.documents.services import document_upload

write = FileSystemStorage._save

def write_then_die(self, name, content):
    stored = write(self, name, content)
    os._exit(9)  # the worker is killed right after the storage write, before the commit

FileSystemStorage._save = write_then_die
document_upload(application_id=int(sys.argv[2]), requirement_code=sys.argv[3], uploaded=pdf_upload(),
                actor=User.objects.get(pk=int(sys.argv[4])))
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_a_web_worker_killed_between_the_file_write_and_the_commit_leaves_a_file_the_sweep_removes(storage_dir):
    person = make_applicant()
    kept = _upload(person)
    application = kept.application
    requirement = application.procedure.documents[1]["code"]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anef.settings.test",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    worker = subprocess.run(  # noqa: S603 - our own code
        [
            sys.executable,
            "-c",
            CRASHING_UPLOAD,
            str(storage_dir),
            str(application.pk),
            requirement,
            str(person.user.pk),
        ],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 9, worker.stderr.decode()[-2000:]
    stored = {p.relative_to(storage_dir).as_posix() for p in storage_dir.rglob("*") if p.is_file()}
    orphans = stored - {kept.file.name}
    assert len(orphans) == 1  # the file is there, its row is not
    assert UploadedDocument.objects.filter(application=application).count() == 1
    (orphan,) = orphans

    assert sweep_orphan_files()["deleted"] == 0  # young: an upload may still be in progress
    past = time.time() - (django_settings.ANEF_ORPHAN_FILES_GRACE_HOURS + 1) * 3600
    os.utime(storage_dir / orphan, (past, past))
    os.utime(storage_dir / kept.file.name, (past, past))
    assert sweep_orphan_files()["deleted"] == 1

    assert not (storage_dir / orphan).exists()
    assert (storage_dir / kept.file.name).exists()
