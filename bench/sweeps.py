"""Benchmark: every scheduled sweep (anef/core/schedules.py) on the database as it is, twice, timed; then
attestation PDFs rendered and signed, timed one by one.

    DATABASE_URL=postgresql://postgres@localhost:5432/anef_bench .venv/bin/python bench/sweeps.py [--pdfs 100]

Run bench/generate.py first (a million applications for the national scale), and bench/pages.py before this
one: the sweeps change the data (APIs issued, figures recorded, notifications queued), as a night would.
A sweep's first run does a day's work; its second run, the same day, must find almost nothing to do.
"""

import argparse
import importlib
import os
import statistics
import sys
import time

from bench_setup import bench_django

GOALS = {"issue_due_apis": 60, "record_todays_figures": 60, "apply_retention": 60}  # seconds, at a million files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=100, help="attestation PDFs rendered and signed")
    parser.add_argument("--only", default="", help="comma-separated sweep names")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/sweeps.py measures the generated national database: set DATABASE_URL=postgresql://...")
    os.environ.setdefault("ANEF_SCANNER", "fake")
    bench_django()

    from anef.applications.models import Application
    from anef.core.schedules import SWEEPS

    print(f"{Application.objects.count():,} applications")
    print(f"{'sweep':36} {'first run s':>12} {'second run s':>13}  result of the first run")
    wanted = set(args.only.split(",")) if args.only else set(SWEEPS)
    for name, (path, _minutes) in SWEEPS.items():
        if name not in wanted:
            continue
        module, function = path.rsplit(".", 1)
        sweep = getattr(importlib.import_module(module), function)
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            result = sweep()
            runs.append((time.perf_counter() - started, result))
        goal = GOALS.get(name)
        verdict = f"  goal < {goal} s: {'met' if runs[0][0] < goal else 'NOT met'}" if goal else ""
        print(f"{name:36} {runs[0][0]:>12.2f} {runs[1][0]:>13.2f}  {str(runs[0][1])[:60]}{verdict}", flush=True)
    if args.pdfs:
        attestations(args.pdfs)


def attestations(count: int):
    """An attestation as the filing makes it: claims signed with the current key (Ed25519), then its PDF
    rendered (WeasyPrint, QR code), for `count` filed files; p50/p95 of each part."""
    from anef.applications.models import Application
    from anef.certificates.constants import DocumentType
    from anef.certificates.models import IssuedDocument
    from anef.certificates.pdf import render_pdf
    from anef.core.signing import sign

    documents = list(
        IssuedDocument.objects.filter(type=DocumentType.ATTESTATION_DEPOT)
        .select_related("application__prefecture", "application__procedure")
        .order_by("-pk")[:count]
    )
    if not documents:
        print("no filing attestation in this database")
        return
    signing, rendering = [], []
    for document in documents:
        claims = {"n": document.number, "t": document.type, "h": document.holder_name}
        started = time.perf_counter()
        sign(claims)
        signed = time.perf_counter()
        render_pdf(document)
        rendering.append(1000 * (time.perf_counter() - signed))
        signing.append(1000 * (signed - started))
    total = sorted(s + r for s, r in zip(signing, rendering, strict=True))
    p95 = total[int(0.95 * (len(total) - 1))]
    print(
        f"\nattestation PDF, {len(documents)} documents: signing p50 {statistics.median(signing):.2f} ms; "
        f"rendering p50 {statistics.median(rendering):.0f} ms; signed and rendered p95 {p95:.0f} ms "
        f"(goal < 300 ms: {'met' if p95 < 300 else 'NOT met'}); {Application.objects.count():,} applications"
    )


if __name__ == "__main__":
    main()
