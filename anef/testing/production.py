"""The smallest environment production settings start with, for tests that start a production process."""

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from anef.core.signing import b64e

BASE_DIR = Path(__file__).resolve().parents[2]

# Every variable production requires, with a throwaway value (never a real secret).
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "anef.settings.production",
    "ANEF_SECRET_KEY": "x" * 50,
    "ANEF_MFA_ENCRYPTION_KEY": "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=",
    "ANEF_SIGNING_KEYS": f"k20260101000000000000={b64e(bytes(32))}",
    "ANEF_SCANNER": "clamav",
    "ANEF_CACHE_URL": "redis://127.0.0.1:6379/15",
    "ANEF_SMS_BACKEND": "anef.notifications.sms.HttpSmsBackend",
    "ANEF_SMS_HTTP_URL": "https://sms.example/v1/messages",
}


def production_environment(**overrides: str | None) -> dict[str, str]:
    """This process's environment without any ANEF_ setting of its own, plus production's required
    set; an override of None removes a variable (to see what production says without it)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANEF_")}
    env.update(PRODUCTION_ENVIRONMENT)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def start_production(code: str = "import django; django.setup()", **overrides: str | None):
    """Run `code` in a new Python process under production settings; the completed process."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=production_environment(**overrides),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang: collectstatic takes two minutes on a busy machine
    )


COLLECT = "import django; django.setup(); from django.core.management import call_command; " + (
    "call_command('collectstatic', '--noinput', verbosity=0)"
)


def _static_sources_digest() -> str:
    """What collectstatic's result depends on: every static source file (path and size) and the
    versions of the packages that bring or process them."""
    import dsfr

    versions = [metadata.version(package) for package in ("django-dsfr", "whitenoise", "Django")]
    digest = hashlib.sha256(f"{dsfr.__file__}{versions}".encode())
    roots = [*sorted((BASE_DIR / "anef").glob("**/static")), Path(dsfr.__file__).parent / "static"]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(root)}:{path.stat().st_size}\n".encode())
    return digest.hexdigest()[:16]


def collected_static() -> Path:
    """A STATIC_ROOT filled by collectstatic under production settings (hashed, compressed names and
    their manifest), made once per version of the static sources and shared by every test process
    of the run (collectstatic compresses some ten thousand files: about a minute)."""
    target = BASE_DIR / "var" / f"test-static-{_static_sources_digest()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / "test-static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "staticfiles.json").exists():
            building = Path(tempfile.mkdtemp(dir=target.parent, prefix="test-static-building-"))
            done = start_production(COLLECT, ANEF_STATIC_ROOT=str(building))
            if done.returncode != 0:
                shutil.rmtree(building, ignore_errors=True)
                raise RuntimeError(f"collectstatic failed under production settings:\n{done.stderr[-3000:]}")
            shutil.rmtree(target, ignore_errors=True)
            building.rename(target)
    return target
