"""Appointments, from the applicant's side (and a counter agent's, for a person their counter
registered): ask for a seat with an invitation (the draw of the window gives it, decision 12), move
or cancel, wait for an earlier slot and take it when offered. The services check every rule; links
answer 404 to others."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anef.applications.access import applications_for_applicant
from anef.appointments.constants import BookingStatus, RequestStatus
from anef.appointments.models import Booking, BookingRequest, Invitation, Slot, WaitlistEntry
from anef.appointments.services import (
    booking_cancel,
    booking_request,
    booking_reschedule,
    free_slots,
    waitlist_accept,
    waitlist_join,
)
from anef.core.errors import UserError
from anef.core.throttle import throttle

from .forms import SlotForm


def _not_before(request):
    """Slots from the day the person asks for (?from=YYYY-MM-DD), else the earliest."""
    try:
        day = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def _chosen_slot(request) -> int:
    """The slot posted, or the same error as a slot that is not free."""
    form = SlotForm(request.POST)
    if not form.is_valid():
        raise UserError(form.errors["slot"][0])
    return form.cleaned_data["slot"]


def _window_end(request_row: BookingRequest):
    return request_row.window_start + timedelta(minutes=settings.ANEF_APPOINTMENT_DRAW_MINUTES)


@login_required
@throttle(group="booking", rate="30/m", per="user")
@require_http_methods(["GET", "POST"])
def booking(request, token):
    """Ask for a seat with an invitation: the link is bound to one file and answers 404 to anyone
    else. The choice waits for the draw of its window; asking again replaces it."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("application__procedure"),
        token=token,
        application__in=applications_for_applicant(user=request.user),
    )
    application = invitation.application
    error = None
    if request.method == "POST":
        if request.limited:
            error = _("Too many attempts. Wait a minute.")
        else:
            try:
                booking_request(token=token, slot_id=_chosen_slot(request), actor=request.user)
            except (UserError, Slot.DoesNotExist) as exc:
                error = getattr(exc, "message", _("Choose one of the slots below."))
            else:
                messages.success(request, _("Your request is registered. You will be told your appointment."))
                return redirect("portal:booking", token=token)
    invitation_open = invitation.status == Invitation.Status.OPEN
    slots = (
        list(free_slots(application=application, kind=invitation.kind, not_before=_not_before(request)))
        if invitation_open
        else []
    )
    last_request = invitation.requests.select_related("slot__site").order_by("-pk").first()
    return render(
        request,
        "portal/booking.html",
        {
            "invitation": invitation,
            "invitation_open": invitation_open,
            "application": application,
            "slots": slots,
            "error": error,
            "last_request": last_request,
            "draw_at": _window_end(last_request) if last_request else None,
            "draw_minutes": settings.ANEF_APPOINTMENT_DRAW_MINUTES,
            "RequestStatus": RequestStatus,
        },
        status=409 if error else 200,
    )


@login_required
@throttle(group="booking-manage", rate="30/m", per="user")
@require_http_methods(["GET", "POST"])
def booking_manage(request, booking_id):
    booking = get_object_or_404(
        Booking.objects.select_related("slot__site", "application"),
        pk=booking_id,
        application__in=applications_for_applicant(user=request.user),
        status=BookingStatus.BOOKED,
    )
    error = None
    if request.method == "POST" and not request.limited:
        try:
            if "cancel" in request.POST:  # which button was pressed
                booking_cancel(booking_id=booking.pk, actor=request.user)
                messages.success(request, _("Your appointment is cancelled. You can book another one."))
            else:
                booking_reschedule(booking_id=booking.pk, slot_id=_chosen_slot(request), actor=request.user)
                messages.success(request, _("Your appointment is changed."))
        except (UserError, Slot.DoesNotExist) as exc:
            error = getattr(exc, "message", _("Choose one of the slots below."))
        else:
            return redirect("portal:application", reference=booking.application.reference)
    slots = list(free_slots(application=booking.application, kind=booking.kind, not_before=_not_before(request)))
    return render(
        request,
        "portal/booking_manage.html",
        {"booking": booking, "application": booking.application, "slots": slots, "error": error},
        status=409 if error else 200,
    )


@login_required
@require_POST
def waitlist(request, booking_id):
    booking = get_object_or_404(
        Booking,
        pk=booking_id,
        application__in=applications_for_applicant(user=request.user),
        status=BookingStatus.BOOKED,
    )
    waitlist_join(booking_id=booking.pk, actor=request.user)
    messages.success(request, _("You are on the waiting list: if an earlier slot frees up, we offer it to you."))
    return redirect("portal:application", reference=booking.application.reference)


@login_required
@require_http_methods(["GET", "POST"])
def offer(request, offer_token):
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("offered_slot__site", "booking__slot", "booking__application"),
        offer_token=offer_token,
        active=True,
        booking__application__in=applications_for_applicant(user=request.user),
    )
    error = None
    if request.method == "POST":
        try:
            waitlist_accept(token=offer_token, actor=request.user)
        except UserError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your appointment is moved to the earlier slot."))
            return redirect("portal:application", reference=entry.booking.application.reference)
    return render(
        request,
        "portal/offer.html",
        {"entry": entry, "application": entry.booking.application, "error": error},
        status=409 if error else 200,
    )
