"""A slow SMS provider for the worker-kill test: it marks its start, waits, then writes the message
to a file named by the idempotency key (so two sends would still be one file, and a counter shows
how many sends completed)."""

import os
import time
from pathlib import Path


class SlowFileSmsBackend:
    def send(self, *, to: str, text: str, key: str) -> None:
        folder = Path(os.environ["ANEF_TEST_SMS_DIR"])
        (folder / "started").open("a").write(f"{os.getpid()}\n")
        time.sleep(float(os.environ.get("ANEF_TEST_SMS_SLEEP", "2")))
        (folder / f"{key.replace(':', '_')}.txt").write_text(text, encoding="utf-8")
        with (folder / "completed").open("a") as handle:
            handle.write(f"{os.getpid()}\n")
