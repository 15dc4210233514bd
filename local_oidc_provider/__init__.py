"""A small OpenID Connect provider that behaves like FranceConnect, for the tests and the demo.

A Django project of its own (settings, URLconf, SQLite database in a folder it is given), served by
django-oauth-toolkit with OpenID Connect enabled: discovery, authorization code with PKCE, token,
JWKS, and a userinfo answered as a signed JWT as FranceConnect does. Its people are in
`identities.py`; they sign in with a username and password on its own page.

Run it with `python -m local_oidc_provider FOLDER` (it prints `ready <issuer>` once it
listens); `anef.testing.oidc.running_provider` starts it for a test session. It lives outside `anef`
(outside the product, and outside `anef.testing`, whose package imports ANEF's models).
"""
