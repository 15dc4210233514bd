import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import BookingStatus, Kind, RequestStatus


class Counter(models.Model):
    site = models.ForeignKey("territory.Site", on_delete=models.PROTECT, related_name="counters")
    name = models.CharField(_("name"), max_length=100)
    kinds = models.JSONField(_("kinds of appointment"), default=list)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="unique_counter_name_per_site")]

    def __str__(self) -> str:
        return f"{self.site} — {self.name}"


class OpeningHours(models.Model):
    site = models.ForeignKey("territory.Site", on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day of the week"))  # 0 = Monday
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["site", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(opens__lt=models.F("closes")), name="opens_before_closing")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.weekday} {self.opens}-{self.closes}"


class Closure(models.Model):
    site = models.ForeignKey("territory.Site", on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "date"], name="one_closure_per_site_and_day")]

    def __str__(self) -> str:
        return f"{self.site} closed {self.date}"


class Slot(models.Model):
    """One seat: one counter, one time. A booking holds it (the database allows one active booking)."""

    site = models.ForeignKey("territory.Site", on_delete=models.PROTECT, related_name="slots")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="slots")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["counter", "starts_at"], name="one_slot_per_counter_and_time")]
        indexes = [models.Index(fields=["site", "kind", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.counter} {self.starts_at:%Y-%m-%d %H:%M}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A single-use link bound to one file: only invited files can book; there is no public calendar."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        USED = "used", _("Used")
        CANCELLED = "cancelled", _("Cancelled")

    token = models.CharField(max_length=64, unique=True, default=new_token)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    assign_after = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], condition=models.Q(status="open"), name="one_open_invitation_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"invitation {self.kind} for {self.application_id}"


class Booking(models.Model):
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    assigned = models.BooleanField(default=False)  # chosen by the prefecture, not by the person
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)  # handover never recorded: to reconcile

    class Meta:
        ordering = ["slot__starts_at"]
        constraints = [
            # A seat is held by at most one booking, whatever the concurrency.
            models.UniqueConstraint(
                fields=["slot"], condition=~models.Q(status="cancelled"), name="one_booking_per_seat"
            ),
            models.UniqueConstraint(
                fields=["application", "kind"], condition=models.Q(status="booked"), name="one_active_booking_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} booking of {self.application_id}"


class Draw(models.Model):
    """The allocation of one window's requests for one prefecture and kind of appointment: the
    requests, sorted by invitation, are shuffled with `seed` (`services.draw_order`) and served in
    that order, so anyone can replay it; clicking first in the window buys nothing (decision 12)."""

    prefecture = models.ForeignKey("territory.Prefecture", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    window_start = models.DateTimeField()
    seed = models.CharField(max_length=64)
    order = models.JSONField(default=list)  # the requests' ids, in the order they were served
    held_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Two sweeps at once: the second finds the window drawn (or waits for it, then finds it).
            models.UniqueConstraint(fields=["prefecture", "kind", "window_start"], name="one_draw_per_window")
        ]

    def __str__(self) -> str:
        return f"draw {self.kind} {self.prefecture_id} {self.window_start:%Y-%m-%d %H:%M}"


class BookingRequest(models.Model):
    """A person's choice of a seat, made during a window; the draw that follows gives the seat, or
    the nearest free one after it, to each request in the drawn order."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="requests")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="+")
    window_start = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation"], condition=models.Q(status="pending"), name="one_pending_request_per_invitation"
            )
        ]
        indexes = [models.Index(fields=["status", "window_start"])]

    def __str__(self) -> str:
        return f"request of invitation {self.invitation_id} for slot {self.slot_id}"


class WaitlistEntry(models.Model):
    """A person with a booking who would take an earlier slot: freed slots are offered in order."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="waitlist")
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)
    offers_made = models.PositiveSmallIntegerField(default=0)
    offered_slot = models.ForeignKey(Slot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    offer_token = models.CharField(max_length=64, blank=True, db_index=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    # Slots offered to this person that they let pass: never offered to them again.
    passed_slots = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"waiting list for booking {self.booking_id}"

    @property
    def offer_valid_until(self):
        from datetime import timedelta

        from .constants import OFFER_VALID_HOURS

        return self.offered_at + timedelta(hours=OFFER_VALID_HOURS) if self.offered_at else None
