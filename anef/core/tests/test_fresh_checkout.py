"""`./run` on a fresh checkout: nothing exists under var/ yet, and the default SQLite database must
still be created there (the folder included)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_default_database_is_created_in_a_var_folder_that_does_not_exist_yet(tmp_path):
    var = tmp_path / "fresh" / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["ANEF_VAR_DIR"] = str(var)

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--plan"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert (var / "anef.sqlite3").exists()
