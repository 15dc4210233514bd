"""Service incidents, declared and closed by national administrators (SPEC §9). Closing one moves
the deadlines that fell inside it; the public sees ongoing incidents on every page."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anef.core.errors import UserError
from anef.incidents.models import Incident, ProblemReport
from anef.incidents.reports import report_counts
from anef.incidents.services import incident_close, incident_declare
from anef.territory.models import Prefecture

from .structures import administrator_required

MOMENT = "%Y-%m-%dT%H:%M"


def _moment_field(label, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[MOMENT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT),
    )


class IncidentForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("Shown to everyone, e.g. “Documents could not be uploaded”."),
    )
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    prefecture = forms.ModelChoiceField(
        label=gettext_lazy("Prefecture"),
        queryset=Prefecture.objects.all(),
        required=False,
        empty_label=gettext_lazy("Every prefecture"),
        to_field_name="code",
    )
    starts_at = _moment_field(gettext_lazy("Start"))
    ends_at = _moment_field(
        gettext_lazy("End"), required=False, help_text=gettext_lazy("Leave empty while it goes on; close it later.")
    )


class CloseForm(forms.Form):
    ends_at = _moment_field(gettext_lazy("End"))


@administrator_required
@require_http_methods(["GET", "POST"])
def incident_list(request):
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident_declare(actor=request.user, **form.cleaned_data)
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The incident is declared."))
            return redirect("backoffice:incidents")
    incidents = list(
        Incident.objects.select_related("prefecture", "declared_by", "closed_by").annotate(moved=Count("extensions"))[
            :100
        ]
    )
    counts = report_counts(incidents)
    for incident in incidents:
        incident.reports = counts[incident.pk]
    return render(
        request,
        "backoffice/incidents.html",
        {
            "form": form,
            "incidents": incidents,
            "recent_reports": ProblemReport.objects.filter(created_at__gte=timezone.now() - timedelta(days=7)).count(),
            "close_form": CloseForm(initial={"ends_at": timezone.localtime().replace(second=0, microsecond=0)}),
        },
        status=400 if form.errors else 200,
    )


@administrator_required
@require_POST
def incident_close_view(request, incident_id):
    incident = get_object_or_404(Incident, pk=incident_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the end of the incident (date and time)."))
        return redirect("backoffice:incidents")
    try:
        incident_close(incident_id=incident.pk, actor=request.user, ends_at=form.cleaned_data["ends_at"])
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The incident is closed. The deadlines that fell inside it are being moved."))
    return redirect("backoffice:incidents")


@administrator_required
def problem_report_list(request):
    """Every problem reported from the help page, newest first: what, where, how to answer."""
    reports = ProblemReport.objects.select_related("prefecture", "reporter")[:200]
    return render(request, "backoffice/problem_reports.html", {"reports": reports})
