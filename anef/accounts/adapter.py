from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url

from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_record

from .services import person_create_for_user


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        if getattr(request.user, "is_agent", False):
            return resolve_url("backoffice:queue")
        if getattr(request.user, "role", "") == "helper":
            return resolve_url("helperspace:dashboard")
        return super().get_login_redirect_url(request)

    def pre_authenticate(self, request, **credentials):
        """allauth refuses a sign-in after too many failures with a form error, not a 429: record
        it as a rate limit hit all the same."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_event_record(
                kind=SecurityEventKind.RATE_LIMITED,
                request=request,
                email=str(credentials.get("email", "")),
                limit="login_failed",
            )
            raise

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        data = form.cleaned_data
        person_create_for_user(
            user=user,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            preferred_language=data.get("preferred_language") or "fr",
        )
        return user
