"""The production topology on one machine: web processes (gunicorn, production settings) behind a
round-robin proxy that behaves like a load balancer terminating TLS (it appends the client's address
to X-Forwarded-For and says X-Forwarded-Proto: https), and a client that can speak from several
loopback addresses (127.0.0.2, 127.0.0.3...: distinct clients to the proxy).

Used by anef/core/tests/test_topology.py (with deploy/gunicorn.conf.py, the kit's own configuration).
"""

import http.client
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}
BACKEND_HEADER = "X-Anef-Backend"  # which web machine answered (set by the proxy, for the tests)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, what: str, deadline_seconds: float = 90.0):
    """Poll `condition` until it returns something true; fail with `what` past the deadline (a deadline
    against a hang, not a timing assumption: the usual wait is a second or two)."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"Still waiting for {what} after {deadline_seconds:.0f} s.")
        time.sleep(0.1)


class WebMachine:
    """One web machine: gunicorn serving anef.wsgi under the given environment, on a port of its own."""

    def __init__(self, name: str, env: dict[str, str], *, workers: int = 2, threads: int = 4):
        self.name = name
        self.port = free_port()
        self.log = open(Path(env["ANEF_MEDIA_ROOT"]) / f"{name}.log", "w+b")  # noqa: SIM115
        # The deployment kit's own gunicorn configuration (deploy/gunicorn.conf.py), sized for a test.
        env = {
            **env,
            "ANEF_WEB_BIND": f"127.0.0.1:{self.port}",
            "ANEF_WEB_WORKERS": str(workers),
            "ANEF_WEB_THREADS": str(threads),
            "ANEF_WEB_TIMEOUT": "60",
            "ANEF_WEB_LOG_LEVEL": "warning",
        }
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "deploy" / "gunicorn.conf.py"), "anef.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def wait_live(self) -> None:
        def live():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped at start-up:\n{self.output()}")
            try:
                connection = http.client.HTTPConnection(*self.address(), timeout=5)
                connection.request("GET", "/health/live/")
                return connection.getresponse().status == 200
            except OSError:
                return False

        wait_until(live, what=f"{self.name} to answer /health/live/")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # a burst of simultaneous clients waits in the backlog, as at a balancer


class RoundRobinProxy:
    """A load balancer in miniature: each request goes to the next backend in turn."""

    def __init__(self, backends: list[tuple[str, int]]):
        turns = itertools.cycle(range(len(backends)))
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):  # quiet: the test reads statuses, not logs
                pass

            def _forward(self):
                with lock:
                    index = next(turns)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                forwarded = self.headers.get("X-Forwarded-For")
                headers["X-Forwarded-For"] = (
                    f"{forwarded}, {self.client_address[0]}" if forwarded else self.client_address[0]
                )
                headers["X-Forwarded-Proto"] = "https"
                upstream = http.client.HTTPConnection(*backends[index], timeout=60)
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                content = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.send_header(BACKEND_HEADER, str(index))
                self.end_headers()
                self.wfile.write(content)
                upstream.close()

            do_GET = do_POST = do_HEAD = _forward

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def backend(self) -> str | None:
        return self.headers.get(BACKEND_HEADER.lower())


_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Visitor:
    """A browser in miniature: cookies kept (the secure `__Host-` ones too: the proxy speaks TLS for
    us), CSRF tokens read from forms, requests sent from a loopback address of its own."""

    source: str = "127.0.0.2"
    language: str = "en"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, address, method, path, data=None, headers=None) -> Answer:
        connection = http.client.HTTPConnection(*address, timeout=60, source_address=(self.source, 0))
        sent = {
            "Host": f"{address[0]}:{address[1]}",
            "Accept-Language": self.language,
            # What a TLS-terminating balancer adds (the proxy does; requests sent straight to a machine too).
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{address[0]}:{address[1]}",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name] = rest.split(";", 1)[0]
        connection.close()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)

    def get(self, address, path, **kwargs) -> Answer:
        return self.request(address, "GET", path, **kwargs)

    def submit(self, address, form_path, data, *, action=None) -> Answer:
        """GET the form (for its CSRF token), then POST `data` to it (or to `action`)."""
        page = self.get(address, form_path)
        match = _CSRF_FIELD.search(page.text)
        if match is None:
            raise AssertionError(f"No form with a CSRF token at {form_path} (status {page.status}).")
        return self.request(address, "POST", action or form_path, data={"csrfmiddlewaretoken": match[1], **data})
