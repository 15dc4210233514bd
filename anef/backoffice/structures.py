"""Helper structures and helper accounts, managed by national administrators.

The forms live here with their views: they are used nowhere else.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.assistance import services
from anef.assistance.models import Mandate, Structure
from anef.assistance.selectors import structure_helpers, structure_history, structure_mandates, structures_overview

from .access import staff_required

PAGE_SIZE = 50

administrator_required = staff_required(roles=frozenset({Role.ADMINISTRATOR}))


class StructureForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the structure"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", gettext_lazy("Choose"))] + Structure.Kind.choices
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=300,
        help_text=gettext_lazy("Street, postcode and town where people are received."),
    )


class HelperForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy("Their own address: the link to choose a password is sent there."),
    )
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)


def _structure(structure_id: int) -> Structure:
    return get_object_or_404(Structure.objects.select_related("vouched_by"), pk=structure_id)


def _helper(structure: Structure, helper_id: int) -> User:
    return get_object_or_404(User, pk=helper_id, role=Role.HELPER, structure=structure)


@administrator_required
def structure_list(request):
    page = Paginator(structures_overview(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/structures.html", {"page": page})


@administrator_required
@require_http_methods(["GET", "POST"])
def structure_new(request):
    form = StructureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        structure = services.structure_create(**form.cleaned_data, actor=request.user)
        messages.success(request, _("Structure “%(name)s” created. Now add its helpers.") % {"name": structure.name})
        return redirect("backoffice:structure", structure_id=structure.pk)
    return render(request, "backoffice/structure_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, structure, *, structure_form=None, helper_form=None):
    """The structure page; a form sent with errors is shown again with them (status 400)."""
    invalid = bool((structure_form and structure_form.errors) or (helper_form and helper_form.errors))
    context = {
        "structure": structure,
        "helpers": structure_helpers(structure=structure),
        "events": structure_history(structure=structure)[:100],
        "mandates": structure_mandates(structure=structure)[:200],
        "today": timezone.localdate(),
        "structure_form": structure_form
        or StructureForm(initial={name: getattr(structure, name) for name in services.STRUCTURE_FIELDS}),
        "helper_form": helper_form or HelperForm(),
        "open_form": "structure" if structure_form else "helper" if helper_form else "",
    }
    return render(request, "backoffice/structure.html", context, status=400 if invalid else 200)


@administrator_required
@require_http_methods(["GET", "POST"])
def structure_detail(request, structure_id):
    """The structure, its helpers and its history; POST changes its details."""
    structure = _structure(structure_id)
    if request.method == "GET":
        return _detail(request, structure)
    form = StructureForm(request.POST)
    if not form.is_valid():
        return _detail(request, structure, structure_form=form)
    services.structure_update(structure_id=structure.pk, actor=request.user, **form.cleaned_data)
    messages.success(request, _("The structure's details are saved."))
    return redirect("backoffice:structure", structure_id=structure.pk)


@administrator_required
@require_POST
def structure_helper_add(request, structure_id):
    structure = _structure(structure_id)
    form = HelperForm(request.POST)
    if form.is_valid():
        try:
            helper = services.helper_create(structure_id=structure.pk, actor=request.user, **form.cleaned_data)
        except services.EmailAlreadyUsed as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                _("Account created for %(name)s. A link to choose a password was sent to %(email)s.")
                % {"name": helper.get_full_name(), "email": helper.email},
            )
            return redirect("backoffice:structure", structure_id=structure.pk)
    return _detail(request, structure, helper_form=form)


@administrator_required
@require_http_methods(["GET", "POST"])
def structure_helper_deactivate(request, structure_id, helper_id):
    """A confirmation page: the administrator reads what deactivating does before doing it."""
    structure = _structure(structure_id)
    helper = _helper(structure, helper_id)
    if not helper.is_active:
        return redirect("backoffice:structure", structure_id=structure.pk)
    if request.method == "POST":
        services.helper_deactivate(helper_id=helper.pk, actor=request.user)
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": helper.get_full_name()})
        return redirect("backoffice:structure", structure_id=structure.pk)
    mandates = Mandate.objects.valid().filter(helper=helper).count()
    return render(
        request,
        "backoffice/structure_helper_deactivate.html",
        {"structure": structure, "helper": helper, "mandates": mandates},
    )


@administrator_required
@require_POST
def structure_helper_reactivate(request, structure_id, helper_id):
    structure = _structure(structure_id)
    helper = _helper(structure, helper_id)
    services.helper_reactivate(helper_id=helper.pk, actor=request.user)
    messages.success(request, _("%(name)s can sign in again.") % {"name": helper.get_full_name()})
    return redirect("backoffice:structure", structure_id=structure.pk)
