"""Every uploaded file goes through one pipeline before it is stored (documents, message attachments,
paper mandates): size, malware scan, type read from the content, extension matching the content,
then the file is rebuilt (PDF) or re-encoded (images). What is stored is the rebuilt file."""

import hashlib
import logging
import os
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .constants import ScanStatus
from .sanitising import rebuild_pdf, reencode_image
from .scanning import ScannerUnavailable, scan

logger = logging.getLogger(__name__)

ACCEPTED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# The extensions a name may end with for each type; the first one is given to a name without any.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
}


@dataclass(frozen=True)
class PreparedFile:
    """An upload that passed every check, with the bytes to store (rebuilt, not the ones sent)."""

    content: bytes
    content_type: str
    pages: int
    original_sha256: str  # of the bytes sent
    display_name: str
    scanned_by: str  # the scanner that found it clean

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:  # of the bytes stored
        return hashlib.sha256(self.content).hexdigest()

    def as_file(self) -> ContentFile:
        return ContentFile(self.content)

    def row_fields(self, *, scanned_at) -> dict:
        """What every row that stores a user file records about it (documents, attachments)."""

        return {
            "original_name": self.display_name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "original_sha256": self.original_sha256,
            "scan_status": ScanStatus.CLEAN,
            "scanned_by": self.scanned_by,
            "scanned_at": scanned_at,
        }


def clean_display_name(name: str) -> str:
    """A name safe to show and to save a download under: no folders, bounded length that keeps the
    extension."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters go (bidi overrides included), and those no file system accepts.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"*:<>?|')
    name = name.strip().strip(".").strip()
    stem, extension = os.path.splitext(name)
    if len(extension) > 10:
        stem, extension = name, ""
    return (stem[: 150 - len(extension)] + extension) if stem else _("document") + extension


def _named_for_its_content(display_name: str, content_type: str) -> str:
    """The name, if its extension says what the file is; with the right extension added if it has
    none; a file whose name claims another type is refused, saying what it really is."""
    stem, extension = os.path.splitext(display_name)
    allowed = EXTENSIONS[content_type]
    if not extension:
        return display_name[: 150 - len(allowed[0])] + allowed[0]
    if extension.lower() not in allowed:
        raise ValidationError(
            _(
                "The name of this file ends in %(extension)s but the file is a %(kind)s. Choose the right "
                "file, or rename it to end in %(expected)s."
            )
            % {"extension": extension, "kind": ACCEPTED_TYPES[content_type], "expected": allowed[0]},
            code="extension",
        )
    return display_name


def prepare_upload(uploaded: UploadedFile) -> PreparedFile:
    """Check an upload and make it harmless; raise ValidationError with a translated message saying
    what to do. Nothing is stored here: callers store `content` (through `as_file()`)."""
    size = uploaded.size or 0
    max_bytes = settings.ANEF_UPLOAD_MAX_BYTES
    if size == 0:
        raise ValidationError(_("The file is empty. Choose the file again."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB: scan at a lower resolution.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": max_bytes // 1_048_576},
            code="too_large",
        )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    original_sha256 = hashlib.sha256(data).hexdigest()

    # The scan comes first: nothing else parses a file no scanner has looked at. It fails closed.
    try:
        verdict = scan(data)
    except ScannerUnavailable as exc:
        logger.warning("Upload refused: the malware scanner gave no verdict (%s)", exc)
        raise ValidationError(
            _("The virus check is not available at the moment, so the file was not saved. Try again in a few minutes."),
            code="scanner_unavailable",
        ) from exc
    if not verdict.clean:
        logger.warning("Upload refused: %s found %s in file %s", verdict.engine, verdict.signature, original_sha256)
        raise ValidationError(
            _(
                "This file contains a virus or malicious code (%(signature)s), so it was not saved. Check "
                "your device with an antivirus program, then scan or save the document again."
            )
            % {"signature": verdict.signature},
            code="infected",
        )

    kind = filetype.guess(data[:8192])
    content_type = kind.mime if kind else None
    if content_type not in ACCEPTED_TYPES:
        raise ValidationError(
            _("This file is not a PDF, JPEG or PNG document. Only these formats are accepted."), code="type"
        )
    display_name = _named_for_its_content(clean_display_name(uploaded.name or ""), content_type)

    if content_type == "application/pdf":
        content, pages = rebuild_pdf(data)
    else:
        content, pages = reencode_image(data, content_type), 1
    return PreparedFile(
        content=content,
        content_type=content_type,
        pages=pages,
        original_sha256=original_sha256,
        display_name=display_name,
        scanned_by=verdict.engine,
    )
