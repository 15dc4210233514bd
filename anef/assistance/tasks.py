"""Background work of the assistance area. Tasks take ids, reload, re-check."""

from urllib.parse import quote

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.core.links import absolute


def helper_invitation_send(user_id: int) -> str:
    """Send a new helper the link to choose their password (allauth's password-reset link, so the
    "Forgot your password?" page sends a fresh one once it expires). Nothing is sent once the
    account has a password or is deactivated."""

    helper = User.objects.select_related("structure").filter(pk=user_id, role=Role.HELPER, is_active=True).first()
    if helper is None or helper.has_usable_password():
        return "nothing to do"
    key = f"{user_pk_to_url_str(helper)}-{default_token_generator.make_token(helper)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    context = {
        "helper": helper,
        "link": absolute(path.replace("UID-KEY", quote(key))),
        "sign_in": absolute(reverse("account_login")),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    # Helpers work in French structures: the message is in the service's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("assistance/email/helper_invitation_subject.txt", context).strip()
        body = render_to_string("assistance/email/helper_invitation_body.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [helper.email])
    return "sent"
