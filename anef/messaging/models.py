import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anef.documents.constants import ScanStatus


class Side(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    PREFECTURE = "prefecture", _("Prefecture")


class Message(models.Model):
    """One message of an application's thread between the applicant (or someone acting for them)
    and the prefecture. Read receipts are per side: `read_at` is set when the other side reads it."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    side = models.CharField(max_length=12, choices=Side.choices)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "side", "read_at"])]

    def __str__(self) -> str:
        return f"{self.side} message on {self.application_id}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"messages/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)  # of the stored file, which is the rebuilt one
    original_sha256 = models.CharField(max_length=64, blank=True)  # of the file as it was sent
    scan_status = models.CharField(
        _("virus check"), max_length=12, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED
    )
    scanned_by = models.CharField(max_length=100, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    # Set when the retention policy erased the file from storage (`file` is then empty).
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True)

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[self.content_type]


class MessageTemplate(models.Model):
    """A ready-made answer for staff, for one procedure or for all (procedure empty)."""

    procedure = models.ForeignKey(
        "procedures.Procedure", null=True, blank=True, on_delete=models.CASCADE, related_name="message_templates"
    )
    title = models.CharField(_("title"), max_length=150)
    body_fr = models.TextField(_("text (French)"))
    body_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def body_for(self, language: str) -> str:
        return self.body_en if language == "en" and self.body_en else self.body_fr
