"""The help page (issue 15): how to reach one's prefecture (contacts, sites, hours), the counters
and helper structures near one, and a form to report a problem with the service."""

import re

from django import forms
from django.contrib import messages
from django.core.validators import validate_email
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anef.appointments.selectors import opening_days, sites_receiving_the_public
from anef.assistance.selectors import structures_in_departement
from anef.core.throttle import throttle
from anef.incidents.reports import problem_report_submit
from anef.territory.models import Departement, Prefecture
from anef.territory.postcodes import UnknownPostcode, departement_for_postcode

PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")


class ProblemReportForm(forms.Form):
    what_happened = forms.CharField(
        label=gettext_lazy("What happened?"),
        help_text=gettext_lazy("What you were doing, what you expected, what the service did instead."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    page = forms.CharField(
        label=gettext_lazy("On which page?"),
        help_text=gettext_lazy("Its address or its title, if you know it."),
        max_length=300,
        required=False,
    )
    contact = forms.CharField(
        label=gettext_lazy("How can we reach you?"),
        help_text=gettext_lazy("An email address or a telephone number, only if you want an answer."),
        max_length=254,
        required=False,
    )

    def clean_what_happened(self):
        value = self.cleaned_data["what_happened"].strip()
        if len(value) < 10:
            raise forms.ValidationError(_("Say in a few words what happened (at least 10 characters)."))
        return value

    def clean_contact(self):
        value = self.cleaned_data["contact"].strip()
        if not value:
            return value
        if "@" in value:
            try:
                validate_email(value)
            except forms.ValidationError as exc:
                raise forms.ValidationError(_("Enter a valid email address, e.g. name@example.org.")) from exc
        elif not PHONE.match(value):
            raise forms.ValidationError(_("Enter an email address or a telephone number, e.g. 06 12 34 56 78."))
        return value


def _own_departement(user) -> str | None:
    """The département of the signed-in person's address (or of their prefecture or structure)."""
    if not user.is_authenticated:
        return None
    person = getattr(user, "person", None)
    postcodes = []
    if person is not None and person.postcode:
        postcodes.append(person.postcode)
    if user.structure_id:
        postcodes += re.findall(r"\b\d{5}\b", user.structure.address)
    for postcode in postcodes:
        try:
            return departement_for_postcode(postcode)
        except UnknownPostcode:
            continue
    if user.prefecture_id:
        first = Departement.objects.filter(prefecture_id=user.prefecture_id).order_by("code").first()
        return first.code if first else None
    return None


def _reporter_prefecture(user) -> Prefecture | None:
    code = _own_departement(user)
    return Prefecture.objects.filter(departements__code=code).first() if code else None


@throttle(group="problem-report", rate="10/h")
def help_page(request):
    own = _own_departement(request.user)
    chosen = request.GET.get("departement") or own
    departement = Departement.objects.select_related("prefecture").filter(code=chosen).first() if chosen else None
    form = ProblemReportForm(
        request.POST if request.method == "POST" else None, initial={"page": request.GET.get("page", "")[:300]}
    )
    if request.method == "POST":
        if request.limited:
            form.add_error(None, _("Too many reports from your connection. Wait an hour and try again."))
        elif form.is_valid():
            problem_report_submit(
                actor=request.user, prefecture=_reporter_prefecture(request.user), **form.cleaned_data
            )
            messages.success(
                request, _("Thank you: your report has reached the service's administrators. It will be looked at.")
            )
            return redirect("public:help")
    sites = []
    if departement is not None:
        sites = [(site, opening_days(site)) for site in sites_receiving_the_public(prefecture=departement.prefecture)]
    context = {
        "form": form,
        "departement": departement,
        "own": own is not None and departement is not None and departement.code == own,
        "departements": Departement.objects.order_by("code"),
        "prefecture": departement.prefecture if departement else None,
        "sites": sites,
        "structures": structures_in_departement(code=departement.code) if departement else [],
    }
    status = 429 if request.method == "POST" and request.limited else 400 if form.errors else 200
    return render(request, "public/help.html", context, status=status)
