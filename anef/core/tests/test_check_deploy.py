"""`manage.py check --deploy` under the production settings, with the environment an operator would
write from deploy/anef.env.example: no warning but those justified in docs/operations.md
("Security settings"), and the example's required variables are enough to start."""

import re
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "deploy" / "anef.env.example"
# Each one is explained in docs/operations.md, "Security settings" > "check --deploy".
JUSTIFIED: set[str] = set()


def random_secret() -> str:
    return subprocess.run(
        [sys.executable, "-c", "import secrets; print(secrets.token_urlsafe(50))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def new_signing_key() -> str:
    return subprocess.run(
        [sys.executable, "-m", "anef.core.signing"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()


def example_environment() -> dict[str, str]:
    """The example's required lines (those without "#"), with the secrets an operator generates: read from
    the example on purpose (not anef.testing.production), so that the example itself is what is tested."""
    generated = {
        "ANEF_SECRET_KEY": random_secret,
        "ANEF_MFA_ENCRYPTION_KEY": lambda: Fernet.generate_key().decode(),
        "ANEF_SIGNING_KEYS": new_signing_key,
    }
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        if not value:
            assert name in generated, f"{name} is required with an empty value in the example: add it here"
            value = generated[name]()
        env[name] = value
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--settings=anef.settings.production"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_but_for_justified_warnings():
    result = check_deploy(example_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    raised = set(re.findall(r"\(([\w.]+\.[EWC]\d+)\)", result.stdout + result.stderr))
    assert not raised - JUSTIFIED, f"Unjustified check --deploy findings: {raised - JUSTIFIED}\n{result.stderr}"


def test_check_deploy_reports_an_insecure_setting():
    # The check really runs and reports: with a short, guessable secret key, Django's W009 appears.
    env = example_environment() | {"ANEF_SECRET_KEY": "short"}
    result = check_deploy(env)
    assert "security.W009" in result.stdout + result.stderr


def test_production_refuses_to_start_without_the_required_keys():
    env = example_environment()
    del env["ANEF_MFA_ENCRYPTION_KEY"]
    result = check_deploy(env)
    assert result.returncode != 0
    assert "ANEF_MFA_ENCRYPTION_KEY" in result.stderr
