from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse

from anef.core.links import absolute, base_url, contact_url, rebased
from anef.core.throttle import client_address
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_record

from .services import person_create_for_user


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        if getattr(request.user, "is_agent", False):
            return resolve_url("backoffice:queue")
        if getattr(request.user, "is_helper", False):
            return resolve_url("helperspace:dashboard")
        return super().get_login_redirect_url(request)

    def get_client_ip(self, request):
        """allauth's per-address limits see the same client address as ours (one place to read it)."""
        return client_address(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """allauth counts failed sign-ins per "key" and refuses further attempts on that key for a
        while. Its key is the email alone, so five wrong passwords from anywhere blocked the account
        (an attacker could shut a person out before a deadline). Here the key is the client and the
        email: the guesser is slowed down, the owner on their own connection still signs in.
        (The only allauth hook that names this key; `test_auth` guards it.)"""
        return f"{client_address(request)}:{super()._get_login_attempts_cache_key(request, **credentials)}"

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

    def send_mail(self, template_prefix, email, context):
        """allauth's mails are our own texts (anef/templates/account/email/, mfa/email/), and their
        links are on the public address (anef/core/links.py), not on the host the request used."""
        links = {
            key: rebased(value)
            for key, value in context.items()
            if isinstance(value, str) and value.startswith(("http://", "https://"))
        }
        ours = {
            "base_url": base_url(),
            "contact_url": contact_url(),
            "sign_in_url": absolute(reverse("account_login")),
            "reset_url": absolute(reverse("account_reset_password")),
        }
        super().send_mail(template_prefix, email, {**ours, **context, **links})
