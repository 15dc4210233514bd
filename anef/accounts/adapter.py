from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from anef.core.errors import UserError
from anef.core.links import absolute, base_url, contact_url, rebased
from anef.core.throttle import client_address
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_record

from .constants import Role
from .franceconnect import (
    OPENID_CONNECT,
    PROVIDER_ID,
    SIGN_OUT_SESSION_KEY,
    FranceConnectIdentity,
    FranceConnectProvider,
    franceconnect_app,
    franceconnect_enabled,
    nonce_matches,
    sign_out_url,
)
from .models import User
from .services import (
    franceconnect_account_create,
    franceconnect_link,
    person_create_for_user,
    person_email_follow_account,
)


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

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        sign_out = getattr(sociallogin, "franceconnect_sign_out", None)
        if sign_out:
            request.session[SIGN_OUT_SESSION_KEY] = sign_out
        return response

    def get_logout_redirect_url(self, request):
        """Signed in with FranceConnect: signed out of it too, then back to our home page."""
        come_back_to = request.build_absolute_uri(resolve_url(settings.ACCOUNT_LOGOUT_REDIRECT_URL))
        return sign_out_url(request.session, come_back_to=come_back_to) or super().get_logout_redirect_url(request)

    def confirm_email(self, request, email_address):
        """A new address confirmed replaces the old one (ACCOUNT_CHANGE_EMAIL): the person's
        messages follow it (a person who lost their mailbox changes it this way)."""
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            person_email_follow_account(user_id=email_address.user_id)
        return confirmed

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


class FranceConnectAdapter(DefaultSocialAccountAdapter):
    """allauth's social accounts, for FranceConnect only (anef/accounts/franceconnect.py): the app
    comes from the settings, and each sign-in goes through the rules of decision 0014:

    - a FranceConnect identity already linked signs its account in, if it is an applicant's;
    - while signed in, "link" ties the identity to the account if it is the person's (services);
    - an identity never seen makes a new applicant account, unless its email is an account's: then
      it is linked only if that account's email is confirmed and its person has the same birth name
      and date of birth; otherwise the page explains the other ways in. Never on identity alone.
    Staff and helpers never sign in with FranceConnect (they have a second factor).
    """

    def list_apps(self, request, provider=None, client_id=None):
        if not franceconnect_enabled() or provider not in (None, OPENID_CONNECT, PROVIDER_ID):
            return []
        app = franceconnect_app()
        return [app] if client_id in (None, app.client_id) else []

    def get_provider(self, request, provider, client_id=None):
        return FranceConnectProvider(request, app=self.get_app(request, provider=provider, client_id=client_id))

    def pre_social_login(self, request, sociallogin):
        if not nonce_matches(sociallogin):
            self._refuse(request, _("The answer of FranceConnect could not be checked. Try again."), reason="nonce")
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            self._link_signed_in(request, sociallogin)
        if sociallogin.is_existing:
            if sociallogin.user.role != Role.APPLICANT:
                self._refuse_staff(request, sociallogin.user)
            return
        identity = FranceConnectIdentity.from_extra_data(sociallogin.account.extra_data)
        existing = User.objects.filter(email__iexact=identity.email).first() if identity.email else None
        if existing is None:
            return  # a new applicant account: save_user
        if existing.role != Role.APPLICANT:
            self._refuse_staff(request, existing)
        person = getattr(existing, "person", None)
        confirmed = EmailAddress.objects.filter(user=existing, email__iexact=identity.email, verified=True).exists()
        if not (confirmed and person is not None and identity.is_person(person)):
            security_event_record(
                kind=SecurityEventKind.FRANCECONNECT_REFUSED, user=existing, request=request, reason="email_taken"
            )
            raise ImmediateHttpResponse(
                render(request, "account/franceconnect_refused.html", {"email_taken": identity.email}, status=403)
            )
        sociallogin.account = self._link(request, sociallogin, existing)
        sociallogin.user = existing  # an existing account now: allauth signs it in

    def _link_signed_in(self, request, sociallogin):
        """The profile's "link FranceConnect": always ends here, back on the profile."""
        user = request.user
        if not user.is_authenticated:
            self._refuse(request, _("Sign in to your account first, then link FranceConnect from your profile."))
        if user.role != Role.APPLICANT:
            self._refuse_staff(request, user)
        self._link(request, sociallogin, user)
        messages.success(request, _("Your account is linked to FranceConnect."))
        raise ImmediateHttpResponse(redirect("portal:profile"))

    def _link(self, request, sociallogin, user):
        """Tie the FranceConnect identity to this account (the services check it is the person's)."""
        try:
            return franceconnect_link(
                user_id=user.pk,
                uid=sociallogin.account.uid,
                extra_data=sociallogin.account.extra_data,
                actor=user,
                request=request,
            )
        except UserError as error:
            self._refuse(request, error.message, reason="link", user=user)

    def _refuse_staff(self, request, user):
        self._refuse(
            request,
            _(
                "Staff and helper accounts never sign in with FranceConnect: sign in with your email, "
                "password and authentication app."
            ),
            reason="staff",
            user=user,
        )

    def _refuse(self, request, message, *, reason="", user=None):
        security_event_record(
            kind=SecurityEventKind.FRANCECONNECT_REFUSED,
            user=user if user is not None else request.user,
            request=request,
            reason=reason,
        )
        raise ImmediateHttpResponse(
            render(request, "account/franceconnect_refused.html", {"message": message}, status=403)
        )

    def save_user(self, request, sociallogin, form=None):
        """A first sign-in with an identity never seen: a new applicant account, its person as
        FranceConnect says (names and date of birth locked)."""
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            franceconnect_account_create(
                user=user,
                identity=FranceConnectIdentity.from_extra_data(sociallogin.account.extra_data),
                preferred_language=(get_language() or "fr")[:2],
                request=request,
            )
        return user

    def validate_disconnect(self, account, accounts):
        """Unlinking goes through `franceconnect_unlink` (the profile), never allauth's page."""
        raise ValidationError(_("Unlink FranceConnect from your profile."))
