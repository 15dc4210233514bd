"""What `deploy/backup` and `deploy/restore` share: where things are, read from the same settings as
the running service (so a backup copies exactly what the web processes use), and how to copy them.

Three things are backed up and restored together (docs/operations.md, "Backup and restore"):
the PostgreSQL database (pg_dump's custom format), the stored files (the S3 bucket or the local
media folder) and the keys (signing keys and second-factor encryption keys), the keys to a separate
destination: a database backup must never travel with the key that opens its secrets.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSFER_THREADS = int(os.environ.get("ANEF_BACKUP_THREADS", "8"))


def configure() -> None:
    """The settings can be read (django.conf.settings) without starting the apps: the restore puts
    the signing keys in place before Django starts, since production refuses to start without them."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anef.settings.production")


def setup_django() -> None:
    configure()
    import django

    django.setup()


def say(message: str) -> None:
    print(message, flush=True)


@contextmanager
def timed(figures: dict, name: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    figures[f"{name}_seconds"] = round(time.monotonic() - started, 2)


def tree_size(folder: Path) -> tuple[int, int]:
    """(files, bytes) under folder."""
    files = size = 0
    for path in folder.rglob("*"):
        if path.is_file():
            files += 1
            size += path.stat().st_size
    return files, size


# -- the database -------------------------------------------------------------------------------


def pg_environment() -> dict[str, str]:
    """libpq's variables for the configured database (DATABASE_URL): pg_dump and pg_restore read them,
    so no password appears on a command line."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("The backup covers PostgreSQL only (DATABASE_URL=postgresql://...).")
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    env["PGDATABASE"] = database["NAME"]
    if database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = database["OPTIONS"]["sslmode"]
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    say("$ " + " ".join(command))
    subprocess.run(command, env=env, check=True)


# -- the stored files ---------------------------------------------------------------------------


def default_storage():
    from django.core.files.storage import storages

    return storages["default"]


def storage_is_s3() -> bool:
    from django.conf import settings

    return settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"


def media_root() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


def bucket_keys(storage) -> Iterator[str]:
    prefix = f"{storage.location.strip('/')}/" if storage.location else ""
    paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"]


def parallel(function: Callable[[str], int], names: Iterator[str]) -> tuple[int, int]:
    """(count, bytes) of function applied to every name, on TRANSFER_THREADS threads."""
    count = size = 0
    with ThreadPoolExecutor(TRANSFER_THREADS) as pool:
        for done in pool.map(function, names):
            count += 1
            size += done
    return count, size


def bucket_download(storage, destination: Path) -> tuple[int, int]:
    """Every object of the bucket (under the storage's location) into destination, same names."""
    client = storage.connection.meta.client
    prefix = f"{storage.location.strip('/')}/" if storage.location else ""

    def download(key: str) -> int:
        target = destination / key.removeprefix(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        client.download_file(storage.bucket_name, key, str(target))
        return target.stat().st_size

    return parallel(download, bucket_keys(storage))


def bucket_upload(storage, source: Path) -> tuple[int, int]:
    """Every file under source into the bucket, with the storage's object parameters (server-side
    encryption), never with an ACL: the objects stay private."""
    client = storage.connection.meta.client
    prefix = f"{storage.location.strip('/')}/" if storage.location else ""
    extra = dict(storage.object_parameters)

    def upload(name: str) -> int:
        path = source / name
        client.upload_file(str(path), storage.bucket_name, prefix + name, ExtraArgs=extra)
        return path.stat().st_size

    names = (str(path.relative_to(source)) for path in sorted(source.rglob("*")) if path.is_file())
    return parallel(upload, names)


def copy_tree(source: Path, destination: Path) -> tuple[int, int]:
    if shutil.which("rsync"):
        subprocess.run(["rsync", "-a", f"{source}/", f"{destination}/"], check=True)
    else:
        shutil.copytree(source, destination, dirs_exist_ok=True)
    return tree_size(destination)


# -- the keys -----------------------------------------------------------------------------------


def signing_source() -> str:
    from django.conf import settings

    if settings.ANEF_SIGNING_KEYS_SOURCE:
        return "class"
    if settings.ANEF_SIGNING_KEYS:
        return "environment"
    return "directory"


def write_secret(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.touch(mode=0o600)
    path.write_text(text, encoding="utf-8")


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
