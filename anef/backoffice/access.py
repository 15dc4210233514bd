from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from anef.accounts.constants import STAFF_ROLES, Role
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_record


def staff_required(view=None, *, roles=STAFF_ROLES):
    """Staff of the right role, signed in with a second factor; others get 404 (nothing to see here)."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role not in roles:
                security_event_record(kind=SecurityEventKind.OUT_OF_SCOPE, user=user, request=request)
                raise Http404
            if not is_mfa_enabled(user):
                messages.info(
                    request, _("Staff accounts need a second factor. Set up your authentication app to continue.")
                )
                return redirect("mfa_activate_totp")
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


supervisor_required = staff_required(roles=frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}))
