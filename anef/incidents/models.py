from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Incident(models.Model):
    """A period when the service failed its users, declared by an administrator, nationally or for
    one prefecture. Deadlines that fall inside it are extended by its length (SPEC §9)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"), blank=True)
    prefecture = models.ForeignKey(
        "territory.Prefecture",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prefecture (empty: every prefecture)"),
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"), null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                name="incident_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def first_day(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def last_day(self):
        """The last local day it touched (today while it lasts)."""
        return timezone.localtime(self.ends_at).date() if self.ends_at else timezone.localdate()

    @property
    def length_days(self) -> int:
        """Whole local days it touched: a deadline inside it is moved this many days later."""
        return (self.last_day - self.first_day).days + 1


class DeadlineExtension(models.Model):
    """One deadline moved because of one incident: written once, so a retried task never moves it twice."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="extensions")
    request = models.ForeignKey("applications.InformationRequest", on_delete=models.CASCADE, related_name="+")
    old_deadline = models.DateField()
    new_deadline = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "request"], name="one_extension_per_incident_and_request")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.old_deadline} -> {self.new_deadline}"


class ProblemReport(models.Model):
    """A problem with the service reported by anyone from the help page: kept, sent to the national
    administrators, and counted as evidence on the incidents it falls in (public and back office)."""

    what_happened = models.TextField(_("what happened"), max_length=2000)
    page = models.CharField(_("page"), max_length=300, blank=True)
    contact = models.CharField(_("contact (email or telephone)"), max_length=254, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The prefecture of the signed-in person's address, when known: a local incident counts its reports.
    prefecture = models.ForeignKey(
        "territory.Prefecture", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=5)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set once the administrators' mail went out, so that a retried task never sends twice.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"report {self.pk}"
