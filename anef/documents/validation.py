"""Checks on uploaded files: the type comes from the content, never from the name or the browser."""

import hashlib
import io
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

ACCEPTED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


@dataclass(frozen=True)
class InspectedFile:
    content_type: str
    size: int
    pages: int
    sha256: str
    display_name: str


def clean_display_name(name: str) -> str:
    """A name safe to show: no folders, no control or format characters, bounded length."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:150] or _("document")


def inspect_upload(uploaded: UploadedFile) -> InspectedFile:
    """Validate an upload; raise ValidationError with a translated message saying what to do."""
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
    kind = filetype.guess(data[:8192])
    content_type = kind.mime if kind else None
    if content_type not in ACCEPTED_TYPES:
        raise ValidationError(
            _("This file is not a PDF, JPEG or PNG document. Only these formats are accepted."), code="type"
        )
    pages = 1
    try:
        if content_type == "application/pdf":
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ValidationError(
                    _("This PDF is protected by a password. Send a copy without a password."), code="encrypted"
                )
            pages = len(reader.pages)
        else:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
    except (PdfReadError, UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(
            _("This file is damaged and cannot be read. Save or scan it again."), code="damaged"
        ) from exc
    if pages < 1:
        raise ValidationError(_("This PDF has no page."), code="no_pages")
    if pages > settings.ANEF_UPLOAD_MAX_PAGES:
        raise ValidationError(
            _("This PDF has %(pages)s pages; the limit is %(limit)s. Send only the pages asked for.")
            % {"pages": pages, "limit": settings.ANEF_UPLOAD_MAX_PAGES},
            code="too_many_pages",
        )
    return InspectedFile(
        content_type=content_type,
        size=size,
        pages=pages,
        sha256=hashlib.sha256(data).hexdigest(),
        display_name=clean_display_name(uploaded.name or ""),
    )
