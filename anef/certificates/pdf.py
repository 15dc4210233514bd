"""The PDF of an issued document: French with the English translation, a signed QR code."""

from datetime import date, datetime

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML

from anef.core.links import absolute

from .constants import LEGAL_BASIS
from .models import IssuedDocument
from .selectors import verification_link


def qr_svg_data_uri(payload: str) -> str:
    return segno.make(payload, error="m").svg_data_uri(scale=3, border=2)


def render_pdf(document: IssuedDocument) -> bytes:

    texts = {}
    for language in ("fr", "en"):
        with translation.override(language):
            texts[language] = {
                "type": str(document.get_type_display()),
                "legal_basis": str(LEGAL_BASIS[document.type]),
            }
    details = document.details or {}
    html = render_to_string(
        "certificates/document.html",
        {
            "document": document,
            "qr": qr_svg_data_uri(verification_link(document.payload)),
            "verify_url": absolute(reverse("public:verify")),
            "texts": texts,
            "filed_at": _moment(details.get("filed_at")),
            "appeal_until": _moment(details.get("appeal_deadline")),
        },
    )
    return HTML(string=html).write_pdf()


def _moment(value: str | None) -> date | datetime | None:
    """A date or moment of the document's details (stored in ISO form), to be written as a date."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return None
