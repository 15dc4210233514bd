#!/usr/bin/env python
"""Check that a restored installation is whole: the database, the files and the keys agree.

Run it after `deploy/restore`, before opening the service (same environment as the web processes):

    DJANGO_SETTINGS_MODULE=anef.settings.production python deploy/check_restore.py [--sample N]

It checks that
- the signing keys load and every issued document's signed payload still verifies against them and
  against the register (a document signed by a key that was not restored is "invalid");
- every file a row names is in the storage (local folder or bucket), and the uploaded scans still
  have the SHA-256 recorded when they were stored;
- every second-factor secret opens with the configured ANEF_MFA_ENCRYPTION_KEY.
It prints one line per check and a JSON summary, and exits 1 when anything is missing or wrong.
`--sample N` checks N random rows per kind instead of all (a quick look at a large installation).
"""

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anef.settings.production")

import django  # noqa: E402

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402

from anef.accounts.mfa import SecretNotReadable, decrypt_secret, transform_data  # noqa: E402
from anef.certificates.constants import VerificationStatus  # noqa: E402
from anef.certificates.models import IssuedDocument  # noqa: E402
from anef.certificates.selectors import verify_payload  # noqa: E402
from anef.core.orphans import file_fields  # noqa: E402
from anef.core.signing import all_keys, current_key  # noqa: E402
from anef.documents.models import UploadedDocument  # noqa: E402

BROKEN = {VerificationStatus.INVALID, VerificationStatus.UNKNOWN}
THREADS = int(os.environ.get("ANEF_BACKUP_THREADS", "8"))


def rows(queryset, sample: int | None):
    return queryset.order_by("?")[:sample] if sample else queryset.order_by("pk").iterator(chunk_size=500)


def check_keys(problems: list[str]) -> dict:
    keys = all_keys()
    if not keys:
        problems.append("no signing key: restore the keys before the database")
        return {"signing_keys": 0}
    return {"signing_keys": len(keys), "signing_with": current_key().kid}


def check_documents(problems: list[str], sample: int | None) -> dict:
    verdicts: Counter = Counter()
    for document in rows(IssuedDocument.objects.all(), sample):
        verdict = verify_payload(document.payload)
        verdicts[str(verdict.status)] += 1
        if verdict.status in BROKEN:
            problems.append(f"document {document.number} (key {document.kid}): {verdict.status} {verdict.reason}")
    return {"documents_checked": sum(verdicts.values()), "documents_by_verdict": dict(verdicts)}


def sha256_of(field_file) -> str:
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(row, field) -> str | None:
    """The problem with the file this row names, if any (run on a thread: S3 answers in parallel)."""
    field_file = getattr(row, field.attname)
    label = f"{row._meta.label}.{field.name} {row.pk}: {field_file.name}"
    if not field_file.storage.exists(field_file.name):
        return f"missing file {label}"
    if isinstance(row, UploadedDocument) and sha256_of(field_file) != row.sha256:
        return f"file changed {label}"
    return None


def check_files(problems: list[str], sample: int | None) -> dict:
    checked = 0
    with ThreadPoolExecutor(THREADS) as pool:
        for model, field in file_fields():
            queryset = model._base_manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
            for problem in pool.map(lambda row, field=field: check_file(row, field), rows(queryset, sample)):
                checked += 1
                if problem:
                    problems.append(problem)
    hashed = UploadedDocument.objects.exclude(file="").count() if not sample else "sample"
    return {"files_checked": checked, "uploads_hashed": hashed}


def check_second_factors(problems: list[str], sample: int | None) -> dict:
    checked = 0
    for authenticator in rows(Authenticator.objects.all(), sample):
        checked += 1
        try:
            transform_data(authenticator.type, authenticator.data, decrypt_secret)
        except SecretNotReadable as exc:
            problems.append(f"second factor {authenticator.pk} of user {authenticator.user_id}: {exc}")
    return {"second_factors_checked": checked}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=None, help="check N random rows per kind instead of all")
    args = parser.parse_args()
    problems: list[str] = []
    summary: dict = {}
    for name, check in (
        ("keys", lambda: check_keys(problems)),
        ("documents", lambda: check_documents(problems, args.sample)),
        ("files", lambda: check_files(problems, args.sample)),
        ("second factors", lambda: check_second_factors(problems, args.sample)),
    ):
        started = time.monotonic()
        before = len(problems)
        result = check()
        summary |= result
        state = "OK" if len(problems) == before else f"FAILED ({len(problems) - before})"
        print(f"{name:15} {state:12} {result} in {time.monotonic() - started:.1f} s")
    for problem in problems[:50]:
        print(f"  - {problem}")
    if len(problems) > 50:
        print(f"  ... and {len(problems) - 50} more")
    summary["problems"] = len(problems)
    print(json.dumps(summary, sort_keys=True))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
