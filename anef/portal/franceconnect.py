"""FranceConnect's pages: the way out to FranceConnect, the way back, and unlinking from the profile.

They exist only when FranceConnect is configured (anef/accounts/franceconnect.py): 404 otherwise.
The rules (who may sign in, link, unlink) are the social account adapter's and the services'.
"""

from functools import wraps

from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anef.accounts.franceconnect import FranceConnectOAuth2Adapter, franceconnect_enabled
from anef.accounts.services import franceconnect_unlink
from anef.core.errors import UserError

from .forms import FranceConnectUnlinkForm


def franceconnect_required(view):
    """Without FranceConnect configured, its pages do not exist, whatever the method."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not franceconnect_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@franceconnect_required
@require_POST
def login(request):
    """The FranceConnect button (sign-in, sign-up, "link" on the profile) posts here: off to FranceConnect."""
    return OAuth2LoginView.adapter_view(FranceConnectOAuth2Adapter(request))(request)


@franceconnect_required
def callback(request):
    """FranceConnect sends the person back here with a code; the adapter decides (decision 0014)."""
    return OAuth2CallbackView.adapter_view(FranceConnectOAuth2Adapter(request))(request)


@franceconnect_required
@login_required
@require_POST
def unlink(request):
    form = FranceConnectUnlinkForm(request.POST)
    if form.is_valid():
        try:
            franceconnect_unlink(user_id=request.user.pk, actor=request.user, request=request)
        except UserError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your account is no longer linked to FranceConnect."))
    return redirect("portal:profile")
