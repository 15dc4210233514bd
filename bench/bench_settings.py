"""Production settings plus the bare "hello" view of bench/pages.py (bench/bench_urls.py)."""

from anef.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
