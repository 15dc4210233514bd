"""Receivers of Django's and allauth's authentication signals: each leaves a security event.

They only record (no business flow): the sign-in itself is Django's and allauth's.
"""

from .constants import SecurityEventKind as Kind
from .services import security_event_record, session_forget, session_remember


def on_logged_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    session_remember(user=user, session_key=getattr(session, "session_key", None))
    security_event_record(kind=Kind.SIGN_IN, user=user, request=request)


def on_logged_out(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    session_forget(session_key=getattr(session, "session_key", None))


def on_allauth_logged_in(sender, request, user, sociallogin=None, **kwargs):
    """allauth's own signal names the social login: a sign-in with FranceConnect leaves its own
    trace (besides the sign-in event every sign-in leaves)."""
    if sociallogin is not None:
        security_event_record(
            kind=Kind.FRANCECONNECT_SIGN_IN, user=user, request=request, provider=sociallogin.account.provider
        )


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`.
    email = credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    security_event_record(kind=Kind.SIGN_IN_FAILED, request=request, email=str(email))


def _on(kind):
    def receiver(sender, request=None, user=None, **kwargs):
        details = {}
        authenticator = kwargs.get("authenticator")
        if authenticator is not None:
            details["method"] = authenticator.type
        if kwargs.get("reauthentication"):
            details["reauthentication"] = True
        security_event_record(kind=kind, user=user, request=request, **details)

    return receiver


RECEIVERS = {}


def connect() -> None:
    from allauth.account import signals as account
    from allauth.mfa import signals as mfa
    from django.contrib.auth import signals as auth

    auth.user_logged_in.connect(on_logged_in, dispatch_uid="security_logged_in")
    auth.user_logged_out.connect(on_logged_out, dispatch_uid="security_logged_out")
    auth.user_login_failed.connect(on_login_failed, dispatch_uid="security_login_failed")
    account.user_logged_in.connect(on_allauth_logged_in, dispatch_uid="security_allauth_logged_in")
    for signal, kind in (
        (account.password_changed, Kind.PASSWORD_CHANGED),
        (account.password_set, Kind.PASSWORD_SET),
        (account.password_reset, Kind.PASSWORD_RESET),
        (mfa.authenticator_added, Kind.SECOND_FACTOR_ADDED),
        (mfa.authenticator_removed, Kind.SECOND_FACTOR_REMOVED),
        (mfa.authenticator_reset, Kind.RECOVERY_CODES_RENEWED),
        (mfa.authentication_failed, Kind.SECOND_FACTOR_FAILED),
    ):
        # Signals hold weak references: keep each receiver alive.
        RECEIVERS[kind] = _on(kind)
        signal.connect(RECEIVERS[kind], dispatch_uid=f"security_{kind}")
