"""Sessions end after a while without activity, and after a fixed time whatever happens.

Staff and helpers see many people's files: their sessions are shorter than applicants'. Both limits
are enforced here, on the server, from two timestamps kept in the session (so every web process
agrees); the cookie's own lifetime (SESSION_COOKIE_AGE) is only an outer bound.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import ngettext

STARTED = "anef_session_started"
LAST_SEEN = "anef_session_last_seen"
# Writing the session on every request would cost a database write per page: the last activity is
# refreshed at most once a minute, which is precise enough for limits counted in minutes.
REFRESH_EVERY = 60

SHORT_SESSION_ROLES = ("helper", "counter_agent", "case_agent", "supervisor", "administrator")


def limits_for(user) -> tuple[int, int]:
    """(idle seconds, absolute seconds) for this account."""
    if user.is_staff or user.is_superuser or getattr(user, "role", "") in SHORT_SESSION_ROLES:
        return settings.ANEF_SESSION_IDLE_MINUTES_STAFF * 60, settings.ANEF_SESSION_MAX_HOURS_STAFF * 3600
    return settings.ANEF_SESSION_IDLE_MINUTES_APPLICANT * 60, settings.ANEF_SESSION_MAX_HOURS_APPLICANT * 3600


def session_start(session) -> None:
    """Called at sign-in (signal): the clocks start now, whatever the session held before."""
    now = timezone.now().timestamp()
    session[STARTED] = now
    session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Sign out a session idle for too long or older than the absolute limit, and say why on the
    sign-in page. Runs after the messages middleware, so that the message survives the sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._check(request, user)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _check(self, request, user):
        session = request.session
        now = timezone.now().timestamp()
        idle, absolute = limits_for(user)
        started, last_seen = session.get(STARTED), session.get(LAST_SEEN)
        if started is None or last_seen is None:  # a session from before this rule: its clocks start now
            session_start(session)
            return None
        if now - last_seen > idle:
            minutes = idle // 60
            message = ngettext(
                "Your session ended after %(minutes)s minute without activity. Sign in again to continue.",
                "Your session ended after %(minutes)s minutes without activity. Sign in again to continue.",
                minutes,
            ) % {"minutes": minutes}
        elif now - started > absolute:
            hours = absolute // 3600
            message = ngettext(
                "For your security, a session lasts at most %(hours)s hour. Sign in again to continue.",
                "For your security, a session lasts at most %(hours)s hours. Sign in again to continue.",
                hours,
            ) % {"hours": hours}
        else:
            if now - last_seen >= REFRESH_EVERY:
                session[LAST_SEEN] = now
            return None
        logout(request)
        if request.path.startswith("/api/"):
            return None  # the API answers as to anybody signed out (401/403), no redirection
        messages.warning(request, message)
        login = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            login += "?" + urlencode({"next": request.get_full_path()})
        return redirect(login)


def start_clocks_on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_start(request.session)
