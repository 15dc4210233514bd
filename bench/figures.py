"""Benchmark: the nightly processing figures (SPEC §9) over a national year of files.

Run on demand, prints figures; never part of the test suite:
    .venv/bin/python bench/figures.py [--count 200000]                    # SQLite in var/bench-figures/
    DATABASE_URL=postgresql://postgres@localhost:5432/anef_bench .venv/bin/python bench/figures.py

Creates N filed files spread over every prefecture and the renewal procedures, filed over the past
year; 70 % are decided (accepted or refused) after 10 to 200 days, the rest wait. Measures the
computation of the figures as of now (what the sweep does each day), the recording of a day, and
the pages that read them: the public statistics and an applicant's file.
"""

import argparse
import random
import time
from datetime import date, timedelta

from bench_setup import bench_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000)
    args = parser.parse_args()
    bench_django("bench-figures")

    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from anef.accounts.models import Person
    from anef.applications.models import Application, ApplicationEvent
    from anef.procedures.models import Procedure
    from anef.territory.models import Prefecture
    from anef.transparency.services import figures_compute, figures_record

    procedures = list(Procedure.objects.filter(renewal=True))
    prefectures = list(Prefecture.objects.all())
    random.seed(2026)
    # The decisions are dated in the past: let bulk_create keep the dates given (bench only).
    ApplicationEvent._meta.get_field("created_at").auto_now_add = False
    existing = Application.objects.filter(family_key__startswith="bench-figures").count()
    missing = max(0, args.count - existing)
    started = time.perf_counter()
    now = timezone.now()
    for offset in range(0, missing, 5000):
        size = min(5000, missing - offset)
        people = Person.objects.bulk_create(
            [
                Person(first_name="Bench", last_name=f"F{offset + i}", date_of_birth=date(1990, 1, 1), postcode="69002")
                for i in range(size)
            ]
        )
        files, decisions = [], []
        for person in people:
            filed_at = now - timedelta(days=random.uniform(0, 365))
            waited = random.uniform(10, 200)
            decided = random.random() < 0.7 and filed_at + timedelta(days=waited) < now
            state = random.choice(["accepted", "refused"]) if decided else "in_review"
            files.append(
                Application(
                    person=person,
                    procedure=random.choice(procedures),
                    procedure_version=1,
                    family_key=f"bench-figures-{person.pk}",
                    state=state,
                    prefecture=random.choice(prefectures),
                    filed_at=filed_at,
                )
            )
            decisions.append(filed_at + timedelta(days=waited) if decided else None)
        Application.objects.bulk_create(files)
        ApplicationEvent.objects.bulk_create(
            [
                ApplicationEvent(
                    application=application,
                    sequence=1,
                    kind="accept" if application.state == "accepted" else "refuse",
                    from_state="in_review",
                    to_state=application.state,
                    created_at=decided_at,
                )
                for application, decided_at in zip(files, decisions, strict=True)
                if decided_at
            ]
        )
    setup = time.perf_counter() - started
    total = Application.objects.count()
    print(f"setup: {missing} files created in {setup:.1f} s ({connection.vendor}, {total} files in all)")

    started = time.perf_counter()
    figures = figures_compute(as_of=timezone.now())
    compute = time.perf_counter() - started
    started = time.perf_counter()
    rows = figures_record(day=timezone.localdate())
    record = time.perf_counter() - started
    decided = sum(f["decided"] for (prefecture, _p), f in figures.items() if prefecture is None)
    print(f"figures as of now: {len(figures)} groups, {decided} decisions in the window, computed in {compute:.2f} s")
    print(f"a day recorded (computed again and written, {rows} rows) in {record:.2f} s")

    client = Client()
    for label, url in (
        ("public statistics, all of France", reverse("public:statistics")),
        ("public statistics, one prefecture", reverse("public:statistics") + "?prefecture=pref-69"),
    ):
        client.get(url)
        started = time.perf_counter()
        for _ in range(20):
            client.get(url)
        print(f"{label}: {(time.perf_counter() - started) / 20 * 1000:.1f} ms a page")


if __name__ == "__main__":
    main()
