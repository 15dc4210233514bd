from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import FEEDBACK_MAX_TEXT, Satisfaction


class ProcessingFigure(models.Model):
    """The figures of one day for one procedure at one prefecture (or nationally when the
    prefecture is empty), computed from the files' histories by the nightly sweep. Kept, so the
    public statistics carry their own dated history."""

    day = models.DateField(_("day"))
    prefecture = models.ForeignKey(
        "territory.Prefecture", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="+")
    pending = models.PositiveIntegerField(_("files waiting for a decision"))
    oldest_filed_on = models.DateField(_("oldest file waiting, filed on"), null=True, blank=True)
    decided = models.PositiveIntegerField(_("decisions over the period"))
    median_days = models.PositiveIntegerField(_("median time to a decision (days)"), null=True, blank=True)
    p90_days = models.PositiveIntegerField(
        _("time within which 9 files in 10 were decided (days)"), null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("processing figure")
        verbose_name_plural = _("processing figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "prefecture", "procedure"],
                condition=models.Q(prefecture__isnull=False),
                name="one_figure_per_day_prefecture_procedure",
            ),
            models.UniqueConstraint(
                fields=["day", "procedure"],
                condition=models.Q(prefecture__isnull=True),
                name="one_national_figure_per_day_procedure",
            ),
            models.CheckConstraint(
                condition=models.Q(median_days__isnull=True) | models.Q(p90_days__gte=models.F("median_days")),
                name="p90_not_below_median",
            ),
        ]
        indexes = [models.Index(fields=["prefecture", "procedure", "-day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.procedure_id} {self.prefecture_id or 'FR'}"

    @property
    def published(self) -> bool:
        return self.median_days is not None


class Inquiry(models.Model):
    """A formal inquiry by the applicant (or their helper) on a file that waits longer than most:
    the prefecture must answer it, in writing, by a due date. One open inquiry per file."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="inquiries")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(_("sent on"))
    text = models.TextField(_("what the person adds"), blank=True)
    answer_due_on = models.DateField(_("answer due by"))
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("formal inquiry")
        verbose_name_plural = _("formal inquiries")
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(answered_at__isnull=True), name="one_open_inquiry_per_file"
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer=""), name="an_answer_has_a_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.asked_at:%Y-%m-%d}"


class ServiceFeedback(models.Model):
    """What a person thought of the service, given after a filing: no name, no account, only the
    procedure it was about (national administrators read them to improve the service)."""

    procedure = models.ForeignKey(
        "procedures.Procedure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    satisfaction = models.CharField(_("how it went"), max_length=10, choices=Satisfaction.choices)
    text = models.TextField(_("comment"), blank=True, max_length=FEEDBACK_MAX_TEXT)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("opinion on the service")
        verbose_name_plural = _("opinions on the service")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_satisfaction_display()} ({self.created_at:%Y-%m-%d})"
