from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.core.append_only import append_only_triggers

from .constants import MandateOrigin


class Structure(models.Model):
    """A France Services point or an association whose volunteers help applicants."""

    class Kind(models.TextChoices):
        FRANCE_SERVICES = "france_services", _("France Services point")
        ASSOCIATION = "association", _("Association")
        SOCIAL_SERVICE = "social_service", _("Social service")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=300)
    vouched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class MandateQuerySet(models.QuerySet):
    def valid(self, today=None):
        """Consented (confirmed), not revoked, inside its period: the only mandates that open anything."""
        today = today or timezone.localdate()
        return self.filter(
            confirmed_at__isnull=False, revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today
        )

    def awaiting_confirmation(self, now=None):
        """Paper mandates whose code the person has not yet given, still in time."""
        now = now or timezone.now()
        return self.filter(confirmed_at__isnull=True, revoked_at__isnull=True, code_expires_at__gt=now)


class Mandate(models.Model):
    """A person lets a helper act for them: on all their applications or on chosen ones, until a
    date, revocable at any time. Without a valid mandate the helper sees nothing.

    It exists only with the person's consent: given online from their own space, at a counter where
    an agent checked their identity, or signed on paper and then confirmed by the person with a code
    sent to the contact details on file (until then `confirmed_at` is empty and it opens nothing).
    """

    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="mandates")
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mandates")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="mandates")
    all_applications = models.BooleanField(_("all applications"), default=True)
    applications = models.ManyToManyField("applications.Application", blank=True, related_name="mandates")
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"))
    origin = models.CharField(_("consent given"), max_length=10, choices=MandateOrigin.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Counter mandates: the identity document the agent checked (type and number).
    identity_checked = models.CharField(_("identity document checked"), max_length=120, blank=True)
    paper_mandate = models.FileField(upload_to="mandates/", blank=True, max_length=200)
    confirmed_at = models.DateTimeField(_("consent confirmed on"), null=True, blank=True)
    # Paper mandates: the confirmation code sent to the person (a keyed hash, never the code).
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="mandate_is_a_period"),
            models.CheckConstraint(
                condition=~Q(origin=MandateOrigin.PAPER) | ~Q(paper_mandate=""), name="paper_mandate_has_its_scan"
            ),
            # Only a paper mandate can wait for the person's confirmation; the others are consent itself.
            models.CheckConstraint(
                condition=Q(origin=MandateOrigin.PAPER) | Q(confirmed_at__isnull=False),
                name="mandate_confirmed_unless_paper",
            ),
            models.CheckConstraint(
                condition=~Q(origin=MandateOrigin.COUNTER) | ~Q(identity_checked=""),
                name="counter_mandate_names_the_identity_checked",
            ),
            # One request waiting for a code per helper and person: a new one replaces it.
            models.UniqueConstraint(
                fields=["person", "helper"],
                condition=Q(confirmed_at__isnull=True, revoked_at__isnull=True),
                name="one_mandate_awaiting_confirmation",
            ),
        ]

    def __str__(self) -> str:
        return f"mandate of {self.person_id} to {self.helper_id}"


class StructureEvent(models.Model):
    """Append-only trace of what administrators did to a structure and its helper accounts: who,
    what and when, shown on the structure's page."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Structure created")
        UPDATED = "updated", _("Structure details changed")
        HELPER_ADDED = "helper_added", _("Helper account created")
        HELPER_DEACTIVATED = "helper_deactivated", _("Helper account deactivated")
        HELPER_REACTIVATED = "helper_reactivated", _("Helper account reactivated")

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # For "updated": {field: [before, after]}.
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.structure_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Structure events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Structure events are append-only")

    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) for display, choices shown by their label."""

        def shown(name, value):
            return str(Structure.Kind(value).label) if name == "kind" and value in Structure.Kind.values else value

        return [
            (str(Structure._meta.get_field(name).verbose_name), shown(name, before), shown(name, after))
            for name, (before, after) in self.changes.items()
        ]
