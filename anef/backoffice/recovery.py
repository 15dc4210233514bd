"""The counter gives a person their account back: the agent checks the identity document in person,
records which one, and prints a one-time recovery code (accounts.recovery). Only the counter of the
person's prefecture (their address, or one of their files) finds them and may give the code."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anef.accounts.constants import Role
from anef.accounts.forms import RecoveryCodeIssueForm
from anef.accounts.recovery import (
    PAPER_CODE_DAYS,
    RecoveryError,
    people_for_counter_recovery,
    recovery_code_issue,
    recovery_letter,
    recovery_person_for,
)
from anef.core.widgets import DateInput

from .access import staff_required

COUNTER = frozenset({Role.COUNTER_AGENT})


class RecoverySearchForm(forms.Form):
    last_name = forms.CharField(label=gettext_lazy("Last name, as on the identity document"), max_length=150)
    birth_date = forms.DateField(label=gettext_lazy("Date of birth"), widget=DateInput())


@staff_required(roles=COUNTER)
@require_http_methods(["GET"])
def counter_recovery(request):
    form = RecoverySearchForm(request.GET if request.GET else None)
    people = None
    if form.is_valid():
        people = people_for_counter_recovery(
            agent=request.user, last_name=form.cleaned_data["last_name"], birth_date=form.cleaned_data["birth_date"]
        )
    return render(request, "backoffice/counter_recovery.html", {"form": form, "people": people})


@never_cache
@staff_required(roles=COUNTER)
@require_http_methods(["GET", "POST"])
def counter_recovery_issue(request, person_id):
    person = recovery_person_for(actor=request.user, person_id=person_id)
    if person is None:
        raise Http404
    form = RecoveryCodeIssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            row, code = recovery_code_issue(
                person_id=person.pk,
                actor=request.user,
                document=form.cleaned_data["document"],
                document_number=form.cleaned_data["document_number"],
            )
        except RecoveryError as exc:
            form.add_error(None, exc.message)
        else:
            letter = recovery_letter(person=person, row=row, code=code, issuer=request.user)
            return render(
                request, "accounts/recovery_letter.html", {**letter, "back_url": reverse("backoffice:counter_recovery")}
            )
    return render(
        request,
        "backoffice/counter_recovery_issue.html",
        {"person": person, "form": form, "paper_days": PAPER_CODE_DAYS},
        status=400 if form.errors else 200,
    )
