"""python -m local_oidc_provider FOLDER [--port PORT]: start the test provider.

Creates its database in FOLDER, a fresh RSA key, the ANEF client and the people of identities.py,
then listens on 127.0.0.1 (PORT 0: a free port) and prints `ready <issuer>` on one line.
"""

import argparse
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


if os.environ.get("ANEF_TEST_CLOCK"):  # started by a test suite on a shifted clock (see conftest.py)
    import time_machine

    time_machine.travel(os.environ["ANEF_TEST_CLOCK"], tick=True).start()

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("folder", type=Path)
parser.add_argument("--port", type=int, default=0)
arguments = parser.parse_args()
arguments.folder.mkdir(parents=True, exist_ok=True)
(arguments.folder / "provider.sqlite3").unlink(missing_ok=True)  # a fresh provider at each start
os.environ["DJANGO_SETTINGS_MODULE"] = "local_oidc_provider.settings"
os.environ["ANEF_OIDC_PROVIDER_DIR"] = str(arguments.folder)
os.environ["ANEF_OIDC_PROVIDER_KEY"] = private_key_pem()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from local_oidc_provider.identities import (  # noqa: E402
    CLIENT_ID,
    CLIENT_SECRET,
    IDENTITIES,
    PASSWORD,
    POST_LOGOUT_REDIRECT_URIS,
    REDIRECT_URIS,
)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        """One line per request would drown the test output."""


call_command("migrate", verbosity=0)
for username in IDENTITIES:
    get_user_model().objects.create_user(username=username, password=PASSWORD)
Application.objects.create(
    name="ANEF",
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=" ".join(REDIRECT_URIS),
    post_logout_redirect_uris=" ".join(POST_LOGOUT_REDIRECT_URIS),
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,  # FranceConnect asks no consent of its own for a registered service
)
server = ThreadedWSGIServer(("127.0.0.1", arguments.port), QuietHandler)
server.set_app(get_wsgi_application())
print(f"ready http://127.0.0.1:{server.server_address[1]}/o", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)
