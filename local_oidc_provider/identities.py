"""The people of the test provider: FranceConnect's identity pivot, as its identity providers give it.

Shared by the provider (which serves these claims) and the tests (which expect them on the ANEF side).
"""

CLIENT_ID = "anef-local"
CLIENT_SECRET = "anef-local-secret-not-for-production"
PASSWORD = "franceconnect-2026"
# Where ANEF receives the answer. Loopback addresses (127.0.0.1, localhost) match on any port:
# the live server of the browser tests and `./run` on any PORT; testserver is Django's test client.
CALLBACK_PATH = "/espace/franceconnect/retour/"
HOSTS = ("testserver", "127.0.0.1", "localhost")
REDIRECT_URIS = [f"http://{host}{CALLBACK_PATH}" for host in HOSTS]
POST_LOGOUT_REDIRECT_URIS = [f"http://{host}/" for host in HOSTS]  # ANEF's home page

IDENTITIES = {
    # Born abroad, as most people ANEF serves: no birthplace, a country code (INSEE: 99350 Morocco).
    "amira": {
        "given_name": "Amira Salma",
        "family_name": "BENALI",
        "birthdate": "1991-04-12",
        "birthplace": "",
        "birthcountry": "99350",
        "gender": "female",
        "email": "amira.benali@franceconnect.example",
    },
    "tomas": {
        "given_name": "Tomás",
        "family_name": "RIBEIRO",
        "birthdate": "1985-11-03",
        "birthplace": "",
        "birthcountry": "99139",
        "gender": "male",
        "email": "tomas.ribeiro@franceconnect.example",
    },
}
