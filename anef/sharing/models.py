import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    WORK = "work", _("Work (employer)")
    HOUSING = "housing", _("Housing (landlord)")
    BENEFITS = "benefits", _("Benefits (France Travail, CAF, health insurance)")


class ShareCode(models.Model):
    """A code the holder gives to one verifier for one purpose (SPEC §6): reusable, revocable, 90 days."""

    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="share_codes")
    code = models.CharField(max_length=12, unique=True)  # normalised: upper case, no separators
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} code of {self.person_id}"

    @property
    def display(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class ShareCheck(models.Model):
    """Every check of a code (successful or not), shown to the holder."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    share_code = models.ForeignKey(ShareCode, on_delete=models.PROTECT, related_name="checks")
    checked_at = models.DateTimeField(auto_now_add=True, db_index=True)
    verifier = models.CharField(_("organisation"), max_length=200, blank=True)
    right_holds = models.BooleanField(null=True)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"check of {self.share_code_id} at {self.checked_at:%Y-%m-%d %H:%M}"
