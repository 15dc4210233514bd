"""In production, static files are collected under names that carry a hash of their content, compressed
beforehand, and served with a year's caching: a new release never meets an old copy in a browser."""

import json

import pytest

from anef.testing.production import collected_static, start_production

SERVE = """
import json
import django
django.setup()
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
hashed = staticfiles_storage.url("anef/anef.css")
client = Client()
answers = {
    path: client.get(path, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    for path in (hashed, "/static/anef/anef.css")
}
print(json.dumps({
    "hashed": hashed,
    "manifest": (settings.STATIC_ROOT / "staticfiles.json").exists(),
    "answers": {
        path: [r.status_code, r.get("Cache-Control"), r.get("Content-Encoding")] for path, r in answers.items()
    },
}))
"""


@pytest.mark.slow  # collectstatic compresses every file of the DSFR (once per run: collected_static)
def test_collectstatic_under_production_settings_gives_hashed_names_cached_for_a_year():
    done = start_production(SERVE, ANEF_STATIC_ROOT=str(collected_static()))

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    hashed = result["hashed"]
    assert result["manifest"] is True
    assert hashed.startswith("/static/anef/anef.") and hashed.endswith(".css") and hashed != "/static/anef/anef.css"
    status, cache_control, encoding = result["answers"][hashed]
    assert status == 200 and encoding == "gzip"
    assert "immutable" in cache_control and "max-age=315360000" in cache_control
    # The same file under its plain name (an old page still asking for it) is cached for a minute only.
    assert result["answers"]["/static/anef/anef.css"][:2] == [200, "max-age=60, public"]
