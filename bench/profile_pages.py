"""Where a page's server time goes: the pages of bench/pages.py served in this process by Django's test
client (settings as the server's: DEBUG off, cached templates, the Redis cache), under cProfile.

    DATABASE_URL=postgresql://postgres@localhost:5432/anef_bench \
        .venv/bin/python bench/profile_pages.py [--only NAMES] [--requests 50] [--top 25]

Prints, per page, the CPU time per request (after a warm-up request) and the functions that take the most
of it (own time, then cumulative time). Run bench/generate.py on the same database first.
"""

import argparse
import cProfile
import io
import itertools
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--requests", type=int, default=50, help="requests per page under the profiler")
    parser.add_argument("--top", type=int, default=25, help="functions printed per page")
    parser.add_argument(
        "--explain", type=float, default=None, metavar="MS", help="EXPLAIN ANALYZE each query slower than MS instead"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/profile_pages.py profiles on PostgreSQL: set DATABASE_URL=postgresql://...")
    os.environ.setdefault("ANEF_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anef.settings.base")
    os.environ["ANEF_TRUSTED_PROXIES"] = "1"
    os.environ.setdefault("ANEF_CACHE_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("ANEF_CACHE_PREFIX", "bench-profile")
    os.environ["ANEF_DEBUG"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from pages import prepare

    settings.ROOT_URLCONF = "bench_urls"
    settings.ALLOWED_HOSTS = ["*"]
    sessions, pages = prepare()
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p.name in wanted]
    pages = [p for p in pages if not p.submissions]  # the write path needs a draft per request: bench/pages.py
    for page in pages:
        client = Client(HTTP_X_FORWARDED_FOR="10.9.9.9")
        client.cookies["csrftoken"] = "b" * 32
        if page.who:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[page.who]

        def request(client=client, page=page, sent=itertools.count()):  # noqa: B008 (one counter per page, on purpose)
            # Each request from another address, as under wrk: the public pages' per-client limits see many people.
            address = {"HTTP_X_FORWARDED_FOR": f"10.{next(sent) % 200}.{os.getpid() % 250}.9"}
            if page.method == "POST":
                return client.post(page.path, page.body, content_type="application/x-www-form-urlencoded", **address)
            return client.get(page.path, **address)

        response = request()  # warm-up: templates compiled, connections opened
        if response.status_code != 200:
            raise RuntimeError(f"{page.name}: {page.path} answers {response.status_code}")
        if args.explain is not None:
            explain(page, request, args.explain)
            continue
        started = time.process_time()
        for _ in range(args.requests):
            request()
        plain = 1000 * (time.process_time() - started) / args.requests
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            request()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
        print(f"\n=== {page.name} ({page.path}): {plain:.1f} ms CPU per request in this process ===")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip() and "{" not in line[:3]))


def explain(page, request, slower_than_ms):
    """Each query of the page, with its plan when it takes longer than `slower_than_ms`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        request()
    print(f"\n=== {page.name} ({page.path}): {len(queries)} queries")
    for query in queries.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            print(f"  {sql[:150]}")
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        took = float(plan[-1].split(":")[1].split()[0])  # "Execution Time: 1.234 ms"
        print(f"  {took:8.2f} ms  {sql[:150]}")
        if took > slower_than_ms:
            print("\n".join("            " + line for line in plan))


if __name__ == "__main__":
    main()
