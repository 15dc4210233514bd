"""The local OpenID Connect provider (local_oidc_provider/), started for the tests."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from local_oidc_provider.identities import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60


@contextlib.contextmanager
def running_provider(folder: Path):
    """Start the provider in a subprocess on a free port; yield its issuer once its discovery
    document answers; stop it at the end."""
    env = dict(os.environ)
    if env.get("ANEF_TEST_CLOCK"):  # the suite runs on a shifted clock (conftest): so does the provider
        from django.utils import timezone

        env["ANEF_TEST_CLOCK"] = timezone.now().isoformat()
    process = subprocess.Popen(  # noqa: S603 (our own module, with the interpreter of this run)
        [sys.executable, "-m", "local_oidc_provider", str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        issuer = _announced_issuer(process)
        _wait_for_discovery(process, issuer)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def _announced_issuer(process) -> str:
    """The provider prints `ready <issuer>` once it listens (or its traceback if it failed)."""
    output = []
    for line in process.stdout:
        if line.startswith("ready "):
            return line.split()[1]
        output.append(line)
    raise RuntimeError("The local OpenID Connect provider did not start:\n" + "".join(output))


def _wait_for_discovery(process, issuer: str) -> None:
    """It listens already: poll its discovery document until it answers (or the process died)."""
    for _attempt in range(START_SECONDS * 10):
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
        except requests.ConnectionError:
            response = None
        if response is not None and response.ok:
            return
        try:
            process.wait(timeout=0.1)  # returns at once if it died; else the pause between two polls
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"The local OpenID Connect provider stopped (exit code {process.returncode}).")
    raise RuntimeError("The local OpenID Connect provider never answered its discovery document.")


def sign_in_at_provider(authorize_url: str, username: str) -> str:
    """What a browser does at the provider: follow ANEF's redirection to its authorization page,
    sign in on its login page as `username`, and return the address it sends the person back to
    (ANEF's callback, with the code and the state). Real HTTP, with the provider's cookies."""
    browser = requests.Session()
    login_page = browser.get(authorize_url, timeout=10)
    login_page.raise_for_status()
    answer = browser.post(
        login_page.url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["oidc_provider_csrftoken"],
            "next": parse_qs(urlsplit(login_page.url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    while answer.status_code == 302 and not answer.headers["Location"].startswith("http://testserver"):
        answer = browser.get(urljoin(answer.url, answer.headers["Location"]), allow_redirects=False, timeout=10)
    if answer.status_code != 302:
        raise AssertionError(f"The provider did not send the person back: {answer.status_code} {answer.text[:500]}")
    return answer.headers["Location"]
