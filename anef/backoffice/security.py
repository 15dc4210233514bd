"""The security trace, for national administrators."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from anef.security.constants import SecurityEventKind
from anef.security.selectors import security_events

from .structures import PAGE_SIZE, administrator_required


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SecurityEventFilter(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds"))] + SecurityEventKind.choices,
    )
    email = forms.CharField(label=gettext_lazy("Account email address"), required=False, max_length=254)
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=_date_input())
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=_date_input())

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", gettext_lazy("The end date must not be before the start date."))
        return data


@administrator_required
def security_event_list(request):
    form = SecurityEventFilter(request.GET or None)
    events = security_events()
    if form.is_bound and form.is_valid():
        events = security_events(**form.cleaned_data)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/security_events.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )
