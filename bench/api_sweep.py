"""Benchmark: the daily API sweep over N pending in-time renewals (default 100,000).

Run on demand, prints figures; never part of the test suite:
    .venv/bin/python bench/api_sweep.py [--count 100000]                 # SQLite in var/bench/
    DATABASE_URL=postgresql://postgres@localhost:5432/anef_bench .venv/bin/python bench/api_sweep.py

Applications are bulk-created (not through the services) with permit expiries spread over the
coming year, as in a steady state: about 1/90 of them need a new API on a given day.
"""

import argparse
import time
from datetime import date, timedelta

from bench_setup import bench_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    bench_django()

    from django.db import connection
    from django.utils import timezone

    from anef.accounts.models import Person
    from anef.applications.models import Application
    from anef.certificates.sweeps import issue_due_apis, renewals_needing_an_api
    from anef.procedures.models import Procedure
    from anef.territory.models import Prefecture

    Application.objects.all().delete() if Application.objects.count() > args.count * 2 else None
    procedure = Procedure.objects.get(code="student-renewal")
    prefecture = Prefecture.objects.get(code="pref-69")
    today = timezone.localdate()
    existing = Application.objects.filter(procedure=procedure, state="submitted").count()
    missing = max(0, args.count - existing)
    started = time.perf_counter()
    batch = 5000
    for offset in range(0, missing, batch):
        size = min(batch, missing - offset)
        people = Person.objects.bulk_create(
            [
                Person(first_name="Bench", last_name=f"P{offset + i}", date_of_birth=date(1990, 1, 1), postcode="69002")
                for i in range(size)
            ]
        )
        now = timezone.now()
        Application.objects.bulk_create(
            [
                Application(
                    person=p,
                    procedure=procedure,
                    procedure_version=1,
                    family_key=f"bench-{p.pk}",
                    state="submitted",
                    prefecture=prefecture,
                    filed_at=now,
                    filed_in_time=True,
                    permit_expires_on_at_filing=today + timedelta(days=(p.pk % 365)),
                    permit_allows_work_at_filing=True,
                )
                for p in people
            ]
        )
    print(
        f"setup: {missing} applications created in {time.perf_counter() - started:.1f}s "
        f"({connection.vendor}, {Application.objects.count()} applications in all)"
    )

    started = time.perf_counter()
    due = renewals_needing_an_api(today).count()
    print(f"selection query: {due} renewals need an API today, found in {time.perf_counter() - started:.3f}s")
    started = time.perf_counter()
    issued = issue_due_apis(today=today)
    elapsed = time.perf_counter() - started
    print(f"sweep: {issued} APIs issued in {elapsed:.2f}s ({issued / elapsed if elapsed else 0:.0f} per second)")
    started = time.perf_counter()
    again = issue_due_apis(today=today)
    print(f"second run the same day: {again} issued in {time.perf_counter() - started:.2f}s")


if __name__ == "__main__":
    main()
