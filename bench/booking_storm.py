"""Benchmark: a booking storm against the real server.

N invited files (default 400) try to book S seats (default 100) at once, from C concurrent clients
(default 16), each through the real pages (GET the invitation page for its CSRF token, POST a slot,
retry on "taken"). Prints bookings per second, the latency distribution of the POSTs, and checks
that no seat is held twice. Loopback only; bounded in requests and time.

    DATABASE_URL=postgresql://postgres@localhost:5432/anef_bench .venv/bin/python bench/booking_storm.py
    .venv/bin/python bench/booking_storm.py --files 200 --seats 50        # SQLite in var/bench/
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANEF_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anef.settings.base")
os.environ.setdefault("ANEF_LOG_LEVEL", "WARNING")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(files: int, seats: int):
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from anef import testing
    from anef.appointments.models import Booking, Invitation, Slot

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_territory", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    Booking.objects.all().delete()
    Invitation.objects.all().delete()
    Slot.objects.all().delete()
    from anef.appointments.models import Counter, OpeningHours, WaitlistEntry
    from anef.territory.models import Site

    WaitlistEntry.objects.all().delete()
    Counter.objects.all().delete()
    OpeningHours.objects.all().delete()
    Site.objects.all().delete()
    testing._counter = iter(range(int(time.time() * 1_000_000), 10**18))
    site = testing.make_site_with_slots(kinds=("biometrics",), days=60)
    keep = list(Slot.objects.filter(site=site).order_by("starts_at").values_list("pk", flat=True)[18 : 18 + seats])
    Slot.objects.filter(site=site).exclude(pk__in=keep).delete()
    agent = testing.make_staff()
    clients = []
    for _ in range(files):
        application = testing.submitted(testing.make_applicant())
        invitation = testing.invited(application, agent)
        user = application.person.user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        clients.append((invitation.token, session.session_key))
    return clients


def storm(base: str, clients, concurrency: int, deadline: float):
    latencies, outcomes = [], []

    def one(client):
        token, session_key = client
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("Cookie", f"sessionid={session_key}")]
        url = f"{base}/espace/rendez-vous/{token}/"
        for _ in range(20):
            if time.monotonic() > deadline:
                return "timeout"
            page = opener.open(url, timeout=30).read().decode()  # noqa: S310 - loopback http only
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            slots = re.findall(r'name="slot" value="(\d+)"', page)
            if not slots:
                return "no free slot"
            data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf.group(1), "slot": slots[0]}).encode()
            request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
            cookie = "; ".join(f"{c.name}={c.value}" for c in jar) + f"; sessionid={session_key}"
            request.add_header("Cookie", cookie)
            started = time.perf_counter()
            try:
                response = opener.open(request, timeout=30)  # noqa: S310 - loopback http only
                status = response.status
                final_url = response.geturl()
            except urllib.error.HTTPError as error:
                status, final_url = error.code, url
            latencies.append(time.perf_counter() - started)
            if status == 200 and "/dossiers/" in final_url:
                return "booked"
            if status == 409:
                continue  # taken a moment ago: the page offers the next ones
            return f"http {status}"
        return "gave up"

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(one, clients))
    return outcomes, latencies, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=300)
    args = parser.parse_args()
    Path(os.environ["ANEF_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    clients = setup(args.files, args.seats)
    port = free_port()
    # runserver opens a thread per request: persistent connections would pile up past max_connections.
    env = {**os.environ, "ANEF_DEBUG": "0", "ANEF_ALLOWED_HOSTS": "127.0.0.1", "ANEF_DB_CONN_MAX_AGE": "0"}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT,
        env=env,
        stdout=(Path(os.environ["ANEF_VAR_DIR"]) / "storm-server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - loopback http only
                break
            except OSError:
                time.sleep(0.2)
        outcomes, latencies, elapsed = storm(base, clients, args.concurrency, time.monotonic() + args.seconds)
    finally:
        server.terminate()
        server.wait(10)
    from django.db import connection

    from anef.appointments.models import Booking

    held = Booking.objects.exclude(status="cancelled")
    booked = outcomes.count("booked")
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 2 else [0] * 99
    print(f"database: {connection.vendor}; {args.files} invited files, {args.seats} seats, {args.concurrency} clients")
    print(f"outcomes: { {o: outcomes.count(o) for o in sorted(set(outcomes))} }")
    print(f"bookings: {booked} in {elapsed:.1f}s = {booked / elapsed:.1f} bookings/s; POSTs: {len(latencies)}")
    print(
        f"POST latency ms: p50 {quantiles[49] * 1000:.0f}, p90 {quantiles[89] * 1000:.0f}, "
        f"p99 {quantiles[98] * 1000:.0f}, max {max(latencies) * 1000:.0f}"
    )
    print(f"seats held: {held.count()}, distinct: {held.values('slot').distinct().count()} (must be equal)")


if __name__ == "__main__":
    main()
