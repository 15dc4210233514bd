#!/usr/bin/env python
"""Liveness probe of a web process from inside its machine or container (the image's HEALTHCHECK).

Asks http://127.0.0.1:<port>/health/live/?format=json as the proxy would (an allowed host name,
X-Forwarded-Proto https, so that the HTTPS redirect does not answer instead) and exits 0 on 200, 1
otherwise. The JSON answer, because the HTML page goes through the templates' context processors,
which read the database: a database outage must not make every web process "dead" and restarted.
Needs no curl in the image.
"""

import http.client
import os
import sys

port = os.environ.get("ANEF_WEB_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
host = os.environ.get("ANEF_ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".") or "localhost"
try:
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    connection.request("GET", "/health/live/?format=json", headers={"Host": host, "X-Forwarded-Proto": "https"})
    status = connection.getresponse().status
except OSError as exc:
    print(f"unhealthy: {exc}")
    sys.exit(1)
print(f"/health/live/ answered {status}")
sys.exit(0 if status == 200 else 1)
