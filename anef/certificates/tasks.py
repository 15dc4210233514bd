from .services import document_render_pdf


def render_pdf(document_id: int) -> str:
    """Render and store the PDF once (idempotent: a document with a PDF is left alone)."""

    return document_render_pdf(document_id=document_id).pdf.name
