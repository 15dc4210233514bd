"""The PDF of an issued document: French with the English translation, a signed QR code."""

import segno
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from .constants import LEGAL_BASIS
from .models import IssuedDocument


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
    html = render_to_string(
        "certificates/document.html",
        {"document": document, "qr": qr_svg_data_uri(document.payload), "texts": texts},
    )
    return HTML(string=html).write_pdf()
