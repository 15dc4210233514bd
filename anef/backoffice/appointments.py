"""Appointments, from the prefecture's side: the day at the counter (who came), and the seats
supervisors publish or block."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anef.accounts.constants import Role
from anef.applications.access import applications_for_agent
from anef.appointments.constants import BookingStatus, Kind
from anef.appointments.models import Booking, Counter, Slot
from anef.appointments.services import booking_mark, counter_block, slots_generate
from anef.core.errors import UserError
from anef.territory.models import Site

from .access import staff_required, supervisor_required
from .forms import NO_PUBLICATION, CounterBlockForm, PresenceForm, SlotsPublishForm


@staff_required
def counter_day(request):
    """The day at the counter: appointments of the prefecture's sites, to mark present, absent or excused."""
    bookings = Booking.objects.filter(application__in=applications_for_agent(agent=request.user))
    if request.method == "POST":
        form = PresenceForm(request.POST, bookings=bookings)
        if not form.is_valid() and "booking" in form.errors:
            raise Http404
        try:
            booking_mark(
                booking_id=form.cleaned_data["booking"].pk,
                presence=form.cleaned_data["presence"],
                actor=request.user,
            )
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Recorded."))
        day = form.cleaned_data.get("day")
        return redirect(f"{request.path}?day={day.isoformat() if day else ''}")
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    bookings = (
        bookings.filter(slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=1))
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("slot__site", "slot__counter", "application__person", "application__procedure")
        .order_by("slot__starts_at")
    )
    return render(
        request,
        "backoffice/counter_day.html",
        {
            "bookings": bookings,
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "today": timezone.localdate(),
            "Kind": Kind,
        },
    )


@supervisor_required
@require_http_methods(["GET", "POST"])
def capacity(request):
    """Supervisors publish seats for a period and see how they are used."""
    sites = (
        Site.objects.all()
        if request.user.role == Role.ADMINISTRATOR
        else Site.objects.filter(prefecture_id=request.user.prefecture_id)
    )
    if request.method == "POST" and request.POST.get("action") == "block":  # which of the two forms
        _block(request, CounterBlockForm(request.POST, sites=sites))
        return redirect("backoffice:capacity")
    if request.method == "POST":
        _publish(request, SlotsPublishForm(request.POST, sites=sites))
        return redirect("backoffice:capacity")
    now = timezone.now()
    horizon = now + timedelta(days=30)
    usage = (
        Slot.objects.filter(site__in=sites, starts_at__range=(now, horizon))
        .values("site__name", "kind")
        .annotate(
            total=Count("pk"),
            blocked=Count("pk", filter=Q(blocked=True)),
            booked=Count("bookings", filter=~Q(bookings__status=BookingStatus.CANCELLED)),
        )
        .order_by("site__name", "kind")
    )
    labels = dict(Kind.choices)
    return render(
        request,
        "backoffice/capacity.html",
        {
            "sites": sites,
            "kinds": Kind.choices,
            "usage": [{**row, "label": labels[row["kind"]]} for row in usage],
            "today": timezone.localdate(),
            "counters": Counter.objects.filter(site__in=sites).select_related("site"),
        },
    )


def _block(request, form):
    if not form.is_valid():
        messages.error(request, _("Choose a counter and a day."))
        return
    blocked, kept = counter_block(counter=form.cleaned_data["counter"], day=form.cleaned_data["day"])
    messages.success(
        request,
        _("%(blocked)s free slots blocked; %(kept)s booked ones kept: contact those people to move them.")
        % {"blocked": blocked, "kept": kept},
    )


def _publish(request, form):
    if not form.is_valid():
        messages.error(request, NO_PUBLICATION)
        return
    data = form.cleaned_data
    created = slots_generate(site=data["site"], kind=Kind(data["kind"]), start=data["start"], end=data["end"])
    messages.success(request, _("%(count)s slots published.") % {"count": created})
