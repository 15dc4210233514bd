"""Paper letters to post: the prefecture prints the letters of people without email or phone in
runs, then records the posting (date, postage, cost). Counter agents, supervisors, administrators."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anef.core.errors import UserError
from anef.core.http import private_file_response
from anef.core.widgets import DateInput
from anef.notifications.models import PrintRun
from anef.notifications.printing import (
    letters_waiting,
    print_run_cancel,
    print_run_letters,
    print_run_prepare,
    print_run_record_posting,
    print_runs_visible,
)
from anef.territory.models import Prefecture

from .access import staff_required

mail_room = staff_required  # every agent of the prefecture may print and post its letters


class EuroField(forms.DecimalField):
    """An amount in euros, typed "12,90" (French) or "12.90": a comma is the decimal separator."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
            value = value.replace(",", ".")
        return super().to_python(value)


class PostingForm(forms.Form):
    posted_on = forms.DateField(label=gettext_lazy("Posted on"), widget=DateInput())
    postage_class = forms.ChoiceField(
        label=gettext_lazy("Postage"), choices=[("", gettext_lazy("Choose"))] + PrintRun.PostageClass.choices
    )
    postage_cost = EuroField(
        label=gettext_lazy("Total postage cost (EUR)"),
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        help_text=gettext_lazy("As on the post office's receipt, for the whole run. Example: 12,90"),
    )
    deposit_reference = forms.CharField(
        label=gettext_lazy("Deposit slip or receipt number"), max_length=60, required=False
    )

    def __init__(self, *args, run: PrintRun, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        self.fields["posted_on"].initial = timezone.localdate()
        self.fields["posted_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_posted_on(self):
        posted_on = self.cleaned_data["posted_on"]
        prepared = timezone.localtime(self.run.prepared_at).date()
        if posted_on > timezone.localdate() or posted_on < prepared:
            raise forms.ValidationError(
                _("The posting date is between %(prepared)s (the run was prepared) and today.")
                % {"prepared": date_format(prepared, "SHORT_DATE_FORMAT")}
            )
        return posted_on


# The pile of letters of people no prefecture handles yet.
NO_PREFECTURE = "none"


class PileForm(forms.Form):
    """Which pile of waiting letters to print: a prefecture's (its id), or the one of no prefecture."""

    prefecture = forms.CharField()

    def clean_prefecture(self) -> int | None:
        value = self.cleaned_data["prefecture"]
        if value == NO_PREFECTURE:
            return None
        return forms.ModelChoiceField(queryset=Prefecture.objects.all()).clean(value).pk


@mail_room
def letters(request):
    """Letters waiting to be printed, by prefecture, and the print runs (newest first)."""
    if request.method == "POST":
        pile = PileForm(request.POST)
        if not pile.is_valid():
            raise Http404
        try:
            run = print_run_prepare(actor=request.user, prefecture_id=pile.cleaned_data["prefecture"])
        except UserError as error:
            messages.error(request, error.message)
            return redirect("backoffice:letters")
        messages.success(
            request,
            _("Print run %(number)s is created with %(count)s letters. Print its PDF, then record the posting.")
            % {"number": run.number, "count": run.letter_count},
        )
        return redirect("backoffice:print_run", run=run.number)
    waiting = {
        row["application__prefecture_id"]: row["count"]
        for row in letters_waiting(request.user)
        .values("application__prefecture_id")
        .annotate(count=Count("pk"))
        .order_by()
    }
    names = {p.pk: p for p in Prefecture.objects.filter(pk__in=[pk for pk in waiting if pk])}
    piles = [
        {"prefecture": names.get(pk), "value": pk if pk else NO_PREFECTURE, "count": count}
        for pk, count in sorted(waiting.items(), key=lambda item: str(names.get(item[0], "")))
    ]
    runs = print_runs_visible(request.user).select_related("prefecture", "prepared_by", "posted_by")
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(request, "backoffice/letters.html", {"piles": piles, "page": page})


def _run(request, number) -> PrintRun:
    return get_object_or_404(print_runs_visible(request.user).select_related("prefecture"), number=number)


@mail_room
def print_run(request, run):
    run = _run(request, run)
    form = PostingForm(request.POST or None, run=run)
    if request.method == "POST" and form.is_valid():
        try:
            print_run_record_posting(run_id=run.pk, actor=request.user, **form.cleaned_data)
        except UserError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The posting is recorded; each file's history shows the letter."))
            return redirect("backoffice:print_run", run=run.number)
    return render(
        request,
        "backoffice/print_run.html",
        {"run": run, "form": form, "letters": print_run_letters(run)},
        status=400 if form.errors else 200,
    )


@mail_room
@require_POST
def print_run_cancel_view(request, run):
    run = _run(request, run)
    try:
        print_run_cancel(run_id=run.pk, actor=request.user)
    except UserError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The print run is cancelled; its letters wait for the next run."))
    return redirect("backoffice:print_run", run=run.number)


@mail_room
def print_run_pdf(request, run):
    run = _run(request, run)
    if run.state == PrintRun.State.CANCELLED:
        raise Http404
    if not run.pdf:
        messages.info(request, _("The PDF is still being prepared. Reload this page in a moment."))
        return redirect("backoffice:print_run", run=run.number)
    return private_file_response(run.pdf, content_type="application/pdf", filename=f"{run.number}.pdf")
