"""The door of the second factor: staff and helpers enrol their authentication app before anything else."""

from django.conf import settings

from anef.accounts.constants import STAFF_ROLES, Role
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_record


class SecondFactorRequiredMiddleware:
    """One door for the second factor: staff and helpers (and anyone who may enter the Django
    admin) reach nothing but public pages and the pages that set up the factor or sign out until
    their authentication app is enrolled. Every other entry, pages, API, downloads and exports
    alike, is refused here, before any view runs, so that no view can forget the check.

    Pages answer with the enrolment page; the API answers 403 in JSON.
    """

    # Views open before enrolment (by view name): setting the factor up, signing out, the language.
    OPEN_NAMES = frozenset(
        {
            "mfa_activate_totp",
            "mfa_index",
            "account_logout",
            "account_reauthenticate",  # enrolment asks for the password again first
            "account_login",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_reset_password_from_key_done",
            "account_confirm_email",
            "account_email_verification_sent",
            "account_inactive",
            "set_language",
            "api:docs",  # the API's description and schema are public
            "api:schema",
        }
    )
    OPEN_NAMESPACES = frozenset({"public"})  # pages that anybody, signed in or not, may read

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and needs_second_factor(user) and not self._open(request):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                return self._refuse(request)
        return self.get_response(request)

    def _open(self, request) -> bool:
        from django.urls import Resolver404, resolve

        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # nothing there: the 404 page is the answer for everybody
        return match.view_name in self.OPEN_NAMES or bool(set(match.namespaces) & self.OPEN_NAMESPACES)

    def _refuse(self, request):
        from django.contrib import messages
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.utils.translation import gettext as _

        security_event_record(kind=SecurityEventKind.SECOND_FACTOR_MISSING, user=request.user, request=request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Set up your second factor (authentication app) before using the API.")}, status=403
            )
        messages.info(request, _("Staff accounts need a second factor. Set up your authentication app to continue."))
        return redirect("mfa_activate_totp")


def needs_second_factor(user) -> bool:
    """Staff and helpers work on other people's files; the Django admin reaches every row."""
    return user.role in STAFF_ROLES or user.role == Role.HELPER or user.is_staff or user.is_superuser
