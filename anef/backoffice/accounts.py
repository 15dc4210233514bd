"""Staff accounts (and helpers, found here and handled on their structure's page): deactivate
someone who leaves, which signs them out everywhere at once; administrators reactivate."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anef.accounts import services
from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.accounts.selectors import accounts_managed_by
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_record

from .access import supervisor_required
from .structures import PAGE_SIZE, administrator_required


def _account(request, account_id: int) -> User:
    """An account the viewer manages, else 404 (the same for missing and not theirs); an attempt
    on an account that exists is recorded."""
    account = accounts_managed_by(actor=request.user).select_related("prefecture", "structure").filter(pk=account_id)
    found = account.first()
    if found is None:
        if User.objects.filter(pk=account_id).exists():
            security_event_record(
                kind=SecurityEventKind.OUT_OF_SCOPE, user=request.user, request=request, account=account_id
            )
        raise Http404
    return found


@supervisor_required
def account_list(request):
    accounts = accounts_managed_by(actor=request.user).select_related("prefecture", "structure")
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(
            Q(email__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    page = Paginator(accounts.order_by("-is_active", "last_name", "first_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "backoffice/accounts.html", {"page": page, "q": query})


@supervisor_required
@require_http_methods(["GET", "POST"])
def account_deactivate(request, account_id):
    """A confirmation page: what deactivating does, then the deactivation."""
    account = _account(request, account_id)
    if account.role == Role.HELPER:
        return redirect(
            "backoffice:structure_helper_deactivate", structure_id=account.structure_id, helper_id=account.pk
        )
    if not account.is_active:
        return redirect("backoffice:accounts")
    if request.method == "POST":
        try:
            services.account_deactivate(user_id=account.pk, actor=request.user)
        except services.AccountError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s can no longer sign in and has been signed out.") % {"name": account})
        return redirect("backoffice:accounts")
    return render(request, "backoffice/account_deactivate.html", {"account": account})


@administrator_required
@require_POST
def account_reactivate(request, account_id):
    account = _account(request, account_id)
    if account.role == Role.HELPER:
        raise Http404
    services.account_reactivate(user_id=account.pk, actor=request.user)
    messages.success(request, _("%(name)s can sign in again.") % {"name": account})
    return redirect("backoffice:accounts")
