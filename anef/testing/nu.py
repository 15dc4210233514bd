"""The W3C Nu HTML checker (vnu-jar from the npm registry, run with the machine's Java) on the pages that
the accessibility walks visit: the HTML as the server sent it, every page checked in one run of the
checker (starting Java costs seconds). `./test` installs the pinned jar when CI=true (scripts/vnu.sh)."""

import json
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

VNU_VERSION = "26.9.27"  # keep in step with scripts/vnu.sh
DEFAULT_JAR = Path.home() / ".cache" / "anef" / f"vnu-{VNU_VERSION}" / "node_modules/vnu-jar/build/dist/vnu.jar"


def jar() -> Path | None:
    path = Path(os.environ.get("ANEF_VNU_JAR", DEFAULT_JAR))
    return path if path.exists() and shutil.which("java") else None


class NuPages:
    """Collects served pages; check() runs the checker once on all of them and returns its errors."""

    def __init__(self, page=None):
        self.pages: list[tuple[str, str]] = []
        self._last = None
        if page is not None:
            page.on("response", lambda response: self._remember(page, response))

    def _remember(self, page, response) -> None:
        if response.request.is_navigation_request() and response.frame == page.main_frame:
            self._last = response

    def capture(self, page) -> None:
        """Keep the HTML the server sent for the page now shown (the last document it loaded)."""
        if self._last is not None and self._last.status == 200:
            self.add(page.url, self._last.text())

    def add(self, url: str, html: str) -> None:
        self.pages.append((url, html))

    def check(self) -> list[str]:
        if not self.pages:
            return ["no page was kept for the checker: the walk's pages were not captured"]
        found = jar()
        if found is None:
            message = (
                "W3C Nu HTML checker SKIPPED: java or the vnu jar is missing "
                f"(install it with scripts/vnu.sh, or set ANEF_VNU_JAR); {len(self.pages)} pages not checked."
            )
            if os.environ.get("CI") == "true":
                return [message]
            warnings.warn(message, stacklevel=2)
            return []
        with tempfile.TemporaryDirectory(prefix="anef-nu-") as folder:
            names = {}
            for number, (url, html) in enumerate(self.pages):
                path = Path(folder) / f"page-{number:03d}.html"
                path.write_text(html, encoding="utf-8")
                names[path.name] = url
            done = subprocess.run(  # noqa: S603
                [
                    shutil.which("java") or "java",
                    "-Xss4m",
                    "-jar",
                    str(found),
                    "--errors-only",
                    "--format",
                    "json",
                    *sorted(map(str, Path(folder).glob("*.html"))),
                ],
                capture_output=True,
                text=True,
                timeout=600,
            )
        messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
        return [
            f"{names.get(str(message.get('url')).rsplit('/', 1)[-1], message.get('url'))} "
            f"line {message.get('lastLine')}: {message['message']}"
            f" [{message.get('extract', '').strip()[:120]}]"
            for message in messages
            if message.get("type") == "error" or message.get("subType") == "fatal"
        ]
