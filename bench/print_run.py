"""Benchmark: preparing a print run of N paper letters (default 500, the most one run takes).

Run on demand, prints figures; never part of the test suite:
    .venv/bin/python bench/print_run.py [--letters 500]                  # SQLite in var/bench/
    DATABASE_URL=postgresql://postgres@localhost:5432/anef_bench .venv/bin/python bench/print_run.py

Each letter is a real one-page letter PDF (rendered once, stored N times). Measures the agent's
request ("Prepare a print run": letters taken, task enqueued) and the worker's task that merges them
behind the deposit slip.
"""

import argparse
import time

from bench_setup import bench_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=500)
    args = parser.parse_args()
    bench_django()
    import itertools

    import django
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from anef import testing
    from anef.accounts.constants import Role
    from anef.notifications.delivery import letter_pdf
    from anef.notifications.models import Notification, PrintRun
    from anef.notifications.printing import print_run_prepare, print_run_render
    from anef.testing import make_staff, paper_person, submitted

    testing._counter = itertools.count(time.time_ns())  # fresh accounts on every run
    application = submitted(paper_person())
    template = Notification.objects.filter(application=application, channel="letter").first()
    started = time.perf_counter()
    pdf = letter_pdf(template)
    render_ms = (time.perf_counter() - started) * 1000
    path = default_storage.save("letters/bench/letter.pdf", ContentFile(pdf))
    stamp = time.time_ns()
    Notification.objects.bulk_create(
        Notification(
            person=application.person,
            application=application,
            channel="letter",
            language="fr",
            recipient=template.recipient,
            subject=template.subject,
            body=template.body,
            kind="bench",
            idempotency_key=f"bench:{stamp}:{i}",
            state="sent",
            letter=path,
        )
        for i in range(args.letters)
    )
    agent = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")

    started = time.perf_counter()
    run = print_run_prepare(actor=agent, prefecture_id=agent.prefecture_id)
    prepare_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    print_run_render(run.pk)  # what the background worker does
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    size = run.pdf.size

    print(f"database: {django.db.connection.vendor}")
    print(f"one letter rendered by WeasyPrint: {render_ms:.0f} ms, {len(pdf) / 1024:.0f} KB")
    print(f"print run of {run.letter_count} letters: the agent's request {prepare_ms:.0f} ms")
    print(f"its PDF built by the worker in {seconds:.2f} s ({size / 1024 / 1024:.1f} MB)")
    PrintRun.objects.filter(pk=run.pk).update(state="cancelled")
    Notification.objects.filter(kind="bench").update(print_run=None, state="failed")


if __name__ == "__main__":
    main()
