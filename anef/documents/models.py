import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anef.applications.constants import DocumentVerdict

from .constants import ScanStatus


def upload_path(instance: "UploadedDocument", filename: str) -> str:
    # The stored name never derives from what the user sent: a random name in a dated folder.
    return f"uploads/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class UploadedDocument(models.Model):
    """A file attached by the applicant (or someone acting for them) to an application."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="uploaded_documents"
    )
    requirement_code = models.CharField(_("document"), max_length=60)
    file = models.FileField(upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"), default=1)
    sha256 = models.CharField(max_length=64)  # of the stored file, which is the rebuilt one
    original_sha256 = models.CharField(max_length=64, blank=True)  # of the file as it was sent
    scan_status = models.CharField(
        _("virus check"), max_length=12, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED
    )
    scanned_by = models.CharField(max_length=100, blank=True)  # the scanner and its signatures' version
    scanned_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=DocumentVerdict.choices, default=DocumentVerdict.PENDING
    )
    verdict_reason = models.CharField(_("why it is rejected"), max_length=500, blank=True)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict_at = models.DateTimeField(null=True, blank=True)
    # Set when the retention policy erased the file from storage (`file` is then empty); the row
    # stays, so the file's history and checks still read.
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True)

    class Meta:
        verbose_name = _("uploaded document")
        verbose_name_plural = _("uploaded documents")
        ordering = ["uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement_code"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_document_per_requirement",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[self.content_type]
