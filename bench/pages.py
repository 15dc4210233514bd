"""Benchmark: the pages people open every day, under load, on PostgreSQL with gunicorn, as ratios.

    DATABASE_URL=postgresql://postgres@localhost:5432/anef_bench \
        .venv/bin/python bench/pages.py [--repeat 3 --duration 10]

Run `bench/generate.py` on the same database first (10,000 or 1,000,000 applications). Then, in one run:
- gunicorn serves `anef.wsgi` with production settings (deploy/gunicorn.conf.py, 4 sync workers, persistent
  database connections, the Redis cache), plus a bare Django "hello" view (bench/bench_urls.py) behind the
  same middleware, settings and server;
- wrk (`apt-get install wrk`) loads each page with 16 connections for `--duration` seconds, `--repeat`
  times; each request comes from another client address (X-Forwarded-For through one trusted proxy, as
  behind the load balancer), so the per-client limits of the public pages see many people, not one;
- pgbench's TPC-B runs on the same server, same duration and connections (a database of its own);
- the queries of each page are counted in this process with Django's test client and the same session.
Printed: requests/s (min/median/max), p50 and p99 latency (median run), the ratio to hello (and to
pgbench for writes), server CPU per request (the workers' CPU time over the requests served), queries.
A busy machine gives other absolute figures: read the ratios, measured side by side in the same run.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

PSQL = shutil.which("psql") or "psql"
PGBENCH = shutil.which("pgbench") or "pgbench"
WRK = shutil.which("wrk") or "wrk"
CONNECTIONS = 16
WORKERS = 4
SUBMISSIONS_PER_RUN = 1500  # drafts made before each run of the write path (more than a run submits)
# Every request from another address, behind one trusted proxy (ANEF_TRUSTED_PROXIES=1).
CLIENTS_LUA = """
local n = 0
request = function()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = "10." .. (n % 200) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format()
end
"""


@dataclass
class Page:
    name: str
    path: str
    who: str = ""  # "applicant", "agent", "supervisor" or "" (anonymous)
    method: str = "GET"
    body: str = ""
    writes: bool = False  # the request writes a row (compared with pgbench's TPC-B)
    submissions: int = 0  # > 0: each request submits another complete draft (this many made before each run)
    runs: list = field(default_factory=list)  # (requests/s, p50 ms, p99 ms, cpu ms per request, non-2xx)
    queries: int | None = None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/pages.py measures production's database: set DATABASE_URL=postgresql://...")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    os.environ.setdefault("ANEF_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("ANEF_SCANNER", "fake")  # the write path's drafts are uploaded here, before each run
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anef.settings.base")
    os.environ["ANEF_TRUSTED_PROXIES"] = "1"
    os.environ.setdefault(
        "ANEF_CACHE_URL", "redis://127.0.0.1:6379/15"
    )  # as the server: queries are the database's only
    os.environ.setdefault("ANEF_CACHE_PREFIX", "bench-queries")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ROOT_URLCONF = "bench_urls"  # the hello view here too, for its query count
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM applications_application")
        size = cursor.fetchone()[0]
    sessions, pages = prepare()
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p.name in wanted or p.name == "hello"]
    count_queries(pages, sessions)
    print(
        f"{size:,} applications; {WORKERS} gunicorn sync workers; "
        f"wrk -c{CONNECTIONS} -d{args.duration}s, x{args.repeat}"
    )
    pgbench_runs = []
    with Server() as server:
        for round_ in range(args.repeat):
            for page in pages:
                page.runs.append(load(server, page, sessions, args.duration))
            pgbench_runs.append(pgbench(args.duration))
            print(f"round {round_ + 1}/{args.repeat} done", flush=True)
    report(pages, pgbench_runs, size)


def prepare():
    """Sessions for an applicant, an agent and a supervisor of the busiest prefecture; the pages' paths."""
    from django.utils import timezone

    from anef.accounts.models import User
    from anef.applications.models import Application
    from anef.certificates.models import IssuedDocument
    from anef.sharing.models import Purpose, ShareCode
    from anef.sharing.services import share_code_create

    applicant = User.objects.get(email="amina@demo.anef.example")
    own_file = Application.objects.filter(person__user=applicant, state="submitted").first()
    agent = User.objects.get(email="instructeur.rhone@demo.anef.example")
    supervisor = User.objects.get(email="superviseur.rhone@demo.anef.example")
    case = Application.objects.filter(prefecture=agent.prefecture, state="in_review").order_by("pk").first()
    document = (
        IssuedDocument.objects.filter(status="valid", valid_until__gte=timezone.localdate()).order_by("pk").first()
    )
    person = own_file.person
    share = ShareCode.objects.filter(person=person, revoked_at__isnull=True, expires_at__gt=timezone.now()).first()
    share = share or share_code_create(person=person, purpose=Purpose.values[0])
    sessions = {
        who: session_for(user) for who, user in (("applicant", applicant), ("agent", agent), ("supervisor", supervisor))
    }
    birth = document.holder_birth_date.isoformat()
    csrf = "b" * 32  # the cookie's secret, also accepted as the form's token
    share_body = (
        f"csrfmiddlewaretoken={csrf}&code={share.code}&birth_date={person.date_of_birth.isoformat()}&verifier=bench"
    )
    name = case.person.last_name
    pages = [
        Page("hello", "/bench-hello/"),
        Page("layout alone (empty page)", "/bench-layout/"),
        Page("home", "/"),
        Page("applicant dashboard", "/espace/", "applicant"),
        Page("applicant's file page", f"/espace/dossiers/{own_file.reference}/", "applicant"),
        Page("public statistics", "/statistiques/"),
        Page("verification by QR payload", f"/verifier/?code={document.payload}"),
        Page(
            "verification by number",
            "/verifier/",
            method="POST",
            body=f"csrfmiddlewaretoken={csrf}&number={document.number}&birth_date={birth}",
        ),
        Page("share-code check", "/verifier-un-droit/", method="POST", body=share_body, writes=True),
        Page("agent queue (open files due first)", "/agents/", "agent"),
        Page("agent queue by state", "/agents/?state=in_review", "agent"),
        Page("agent queue search by name", f"/agents/?q={name}", "agent"),
        Page("agent's case page", f"/agents/dossiers/{case.reference}/", "agent"),
        Page("supervision", "/agents/supervision/", "supervisor"),
        Page(
            "submit an application (write)",
            "",
            method="POST",
            body=f"csrfmiddlewaretoken={csrf}",
            writes=True,
            submissions=SUBMISSIONS_PER_RUN,
        ),
    ]
    return sessions, pages


def session_for(user) -> str:
    """A signed-in session (with the second factor for staff), as the sign-in pages would leave it."""
    from django.contrib.sessions.backends.db import SessionStore

    from anef.accounts.constants import Role

    store = SessionStore()
    now = time.time()
    store.update(
        {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "allauth.account.auth_backends.AuthenticationBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            "account_authentication_methods": [
                {"method": "password", "at": now, "email": user.email},
                *([{"method": "mfa", "at": now, "type": "totp"}] if user.role != Role.APPLICANT else []),
            ],
            "account_authentication_methods_user": str(user.pk),
        }
    )
    store.create()
    return store.session_key


def complete_drafts(count: int) -> list[tuple[str, str]]:
    """`count` people, each with a complete draft made by the real services (answers, every required document):
    (the path that submits it, their session). The write path submits each once."""
    import uuid
    from datetime import date, timedelta

    from django.utils import timezone

    from anef.accounts.constants import PermitType
    from anef.accounts.models import Person, User
    from anef.testing import complete, draft

    made = []
    for number in range(count):
        email = f"bench-{uuid.uuid4().hex[:16]}@bench.anef.example"
        user = User.objects.create_user(email, None, first_name="Awa")  # no password: signed in by a session
        person = Person.objects.create(
            user=user,
            email=email,
            first_name="Awa",
            last_name=f"Bench{number}",
            date_of_birth=date(1995, 5, 17),
            nationality="CI",
            address_line="1 rue de la Paix",
            postcode="69002",
            city="Lyon",
            preferred_language="fr",
            permit_type=PermitType.STUDENT,  # a student permit expiring in 90 days: its renewal is in time
            permit_number="123456",
            permit_expires_on=timezone.localdate() + timedelta(days=90),
            permit_allows_work=True,
        )
        application = complete(draft(person))
        made.append((f"/espace/dossiers/{application.reference}/verification/", session_for(user)))
    return made


def count_queries(pages, sessions):
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        client = Client(HTTP_X_FORWARDED_FOR="10.9.9.9")
        client.cookies["csrftoken"] = "b" * 32
        if page.who:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[page.who]
        path, expected = page.path, 200
        if page.submissions:
            ((path, session),) = complete_drafts(1)
            client.cookies[settings.SESSION_COOKIE_NAME] = session
            expected = 302  # to the confirmation page
        with CaptureQueriesContext(connection) as queries:
            if page.method == "POST":
                response = client.post(path, page.body, content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(path)
        if response.status_code != expected:
            raise RuntimeError(f"{page.name}: {page.path} answers {response.status_code}, not 200")
        page.queries = len(queries)


class Server:
    """gunicorn with production settings and the hello view, 4 sync workers, on a free port."""

    def __enter__(self):
        from anef.testing.production import production_environment
        from anef.testing.topology import free_port, wait_until

        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="anef-bench-pages-"))
        env = production_environment(
            DATABASE_URL=os.environ["DATABASE_URL"],
            DJANGO_SETTINGS_MODULE="bench_settings",
            PYTHONPATH=f"{BENCH}:{ROOT}",
            ANEF_CACHE_PREFIX=f"bench-{self.port}",
            ANEF_MEDIA_ROOT=str(self.folder),
            ANEF_TRUSTED_PROXIES="1",
            ANEF_SSL_REDIRECT="false",
            ANEF_ALLOWED_HOSTS="127.0.0.1",
            ANEF_STATIC_ROOT=str(collected_static()),
            ANEF_DB_CONN_MAX_AGE="600",
            ANEF_LOG_LEVEL="WARNING",
            ANEF_WEB_BIND=f"127.0.0.1:{self.port}",
            ANEF_WEB_WORKERS=str(WORKERS),
            ANEF_WEB_LOG_LEVEL="warning",
            ANEF_WEB_MAX_REQUESTS="0",
        )
        # The keys that signed the generated documents (their QR payloads must verify).
        from django.conf import settings

        env.pop("ANEF_SIGNING_KEYS")
        env["ANEF_SECRET_KEY"] = settings.SECRET_KEY  # the sessions made here must open there
        env["ANEF_SIGNING_KEYS_DIR"] = str(settings.ANEF_SIGNING_KEYS_DIR)
        self.log = (self.folder / "gunicorn.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"), "-k", "sync"]
            + ["--access-logfile", "/dev/null", "anef.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def live():
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {(self.folder / 'gunicorn.log').read_text()[-3000:]}")
            try:
                return urllib.request.urlopen(f"{self.base}/health/live/", timeout=5).status == 200  # noqa: S310
            except OSError:
                return False

        wait_until(live, what="gunicorn to answer")
        return self

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU time of the workers (children of gunicorn's master), user and system."""
        total = 0.0
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        for pid in children:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def __exit__(self, *exc):
        import signal

        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def collected_static() -> Path:
    """Production's static files (hashed, compressed), collected once per version of the sources; without
    the tests' two-minute limit, which a busy machine can pass."""
    from anef.testing.production import COLLECT, _static_sources_digest, production_environment

    target = ROOT / "var" / "bench" / f"static-{_static_sources_digest()}"
    if not (target / "staticfiles.json").exists():
        print("collecting production's static files (a few minutes, once)", flush=True)
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", COLLECT],
            env=production_environment(ANEF_STATIC_ROOT=str(target)),
            cwd=ROOT,
            check=True,
        )
    return target


# The write path: each wrk thread takes every other draft (thread 1 the odd ones, thread 2 the even ones), so no
# draft is submitted twice; once they are used up, requests go to a page that does not exist, and the run's
# non-2xx count says the drafts ran out (more are needed for that duration).
SUBMISSIONS_LUA = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("first", threads)
end
local next_item = nil
function init(args)
  next_item = first
end
request = function()
  local item = items[next_item]
  next_item = next_item + 2
  local headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["X-Forwarded-For"] = "10." .. math.random(0, 200) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  if item == nil then
    return wrk.format("GET", "/bench-drafts-used-up/", headers)
  end
  headers["Cookie"] = "__Host-csrftoken=" .. csrf .. "; __Host-sessionid=" .. item[2]
  return wrk.format("POST", item[1], headers, body)
end
"""


def submissions_script(page, drafts) -> str:
    items = ",\n".join(f'{{"{path}", "{session}"}}' for path, session in drafts)
    return f'items = {{\n{items}\n}}\nbody = "{page.body}"\ncsrf = "{"b" * 32}"\n' + SUBMISSIONS_LUA


def load(server, page, sessions, duration):
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua = CLIENTS_LUA
    if page.submissions:
        return load_submissions(server, page, duration, script)
    if page.method == "POST":
        lua = (
            f'wrk.method = "POST"\nwrk.body = "{page.body}"\n'
            + ('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
            + lua
        )
    script.write_text(lua)
    cookies = server_cookies(page, sessions)
    probe(server, page, cookies)
    before = server.cpu_seconds()
    done = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "-s", str(script)]
        + ["-H", f"Cookie: {'; '.join(cookies)}", server.base + page.path],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = server.cpu_seconds() - before
    script.unlink()
    return parsed(done.stdout, cpu)


def load_submissions(server, page, duration, script):
    """Each request submits another complete draft (made before the run, not measured); the first one is the
    probe: it must answer with the redirection to the confirmation page."""
    drafts = complete_drafts(page.submissions)
    probe(server, page, [f"__Host-csrftoken={'b' * 32}", f"__Host-sessionid={drafts[0][1]}"], path=drafts[0][0])
    script.write_text(submissions_script(page, drafts[1:]))
    before = server.cpu_seconds()
    done = subprocess.run(  # noqa: S603
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "-s", str(script), server.base + "/"],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = server.cpu_seconds() - before
    script.unlink()
    return parsed(done.stdout, cpu)


def parsed(out: str, cpu: float):
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (
        rate,
        latency(out, "50%"),
        latency(out, "99%"),
        1000 * cpu / max(requests, 1),
        int(errors.group(1)) if errors else 0,
    )


def server_cookies(page, sessions) -> list[str]:
    """Production's cookie names (anef/settings/production.py)."""
    cookies = [f"__Host-csrftoken={'b' * 32}"]
    if page.who:
        cookies.append(f"__Host-sessionid={sessions[page.who]}")
    return cookies


def probe(server, page, cookies, path="") -> None:
    """One request before the load: the page itself must answer, not a redirection or an error (wrk counts
    a 302 to the sign-in page as a success); a submission answers with the way to its confirmation."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Cookie": "; ".join(cookies), "X-Forwarded-For": "10.250.0.1"}
    if page.method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(page.method, path or page.path, body=page.body or None, headers=headers)
    response = connection.getresponse()
    response.read()
    if page.submissions and response.status == 302 and response.getheader("Location", "").endswith("/depose/"):
        return
    if response.status != 200:
        raise RuntimeError(f"{page.name}: the server answers {response.status} {response.getheader('Location', '')}")


def latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def pgbench(duration):
    """TPC-B on the same PostgreSQL server, in a database of its own (made once, scale 10)."""
    url = os.environ["DATABASE_URL"]
    server_url = url.rsplit("/", 1)[0]
    target = f"{server_url}/anef_pgbench"
    exists = subprocess.run(  # noqa: S603
        [PSQL, f"{server_url}/postgres", "-Atc", "SELECT 1 FROM pg_database WHERE datname = 'anef_pgbench'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run([PSQL, f"{server_url}/postgres", "-qc", "CREATE DATABASE anef_pgbench"], check=True)  # noqa: S603
        subprocess.run([PGBENCH, "-q", "-i", "-s", "10", target], check=True, capture_output=True)  # noqa: S603
    done = subprocess.run(  # noqa: S603
        [PGBENCH, "-c", str(CONNECTIONS), "-j", "2", "-T", str(duration), target],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(re.search(r"tps = ([\d.]+)", done.stdout).group(1))


def report(pages, pgbench_runs, size):
    hello = statistics.median(run[0] for run in pages[0].runs)
    tpcb = statistics.median(pgbench_runs)
    print(f"\npgbench TPC-B: {min(pgbench_runs):,.0f} / {tpcb:,.0f} / {max(pgbench_runs):,.0f} TPS (min/median/max)")
    print(f"\n{size:,} applications")
    header = (
        f"{'page':32} {'req/s min/med/max':>22} {'p50 ms':>8} {'p99 ms':>8} {'x hello':>8} "
        f"{'CPU ms':>7} {'queries':>7} {'non-2xx':>8}"
    )
    print(header)
    print("-" * len(header))
    for page in pages:
        rates = sorted(run[0] for run in page.runs)
        median_run = sorted(page.runs)[len(page.runs) // 2]
        errors = sum(run[4] for run in page.runs)
        print(
            f"{page.name:32} {rates[0]:>6,.0f}/{statistics.median(rates):>6,.0f}/{rates[-1]:>6,.0f}  "
            f"{median_run[1]:>8.1f} {median_run[2]:>8.1f} {statistics.median(rates) / hello:>8.3f} "
            f"{statistics.median(run[3] for run in page.runs):>7.1f} {page.queries:>7} {errors:>8}"
        )
    print(
        "\nGoals (ratios in this run): applicant pages >= 0.40 x hello and p99 < 25 ms; verification >= 0.50 x hello;"
    )
    print(
        "at 1M every page >= 0.85 x its 10k requests/s and p99 <= 1.2 x (compare two runs); writes >= 0.25 x pgbench."
    )
    for page in pages:
        ratio = statistics.median(run[0] for run in page.runs) / hello
        p99 = sorted(page.runs)[len(page.runs) // 2][2]
        if page.who == "applicant":
            print(
                f"  {page.name}: {ratio:.2f} x hello ({'met' if ratio >= 0.40 else 'NOT met'}), "
                f"p99 {p99:.0f} ms ({'met' if p99 < 25 else 'NOT met'})"
            )
        if page.name.startswith("verification"):
            print(f"  {page.name}: {ratio:.2f} x hello ({'met' if ratio >= 0.50 else 'NOT met'})")
        if page.writes:
            rate = statistics.median(run[0] for run in page.runs)
            print(f"  {page.name} (writes a row): {rate / tpcb:.3f} x pgbench TPC-B")


if __name__ == "__main__":
    main()
