"""The smallest environment production settings start with, for tests that start a production process."""

import os
import subprocess
import sys
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
        timeout=120,
    )
