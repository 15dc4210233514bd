"""Files staff open from a case: the applicant's documents, message attachments, issued documents.
Every read is logged for the person to see (SPEC §10); an erased file has nothing left to read."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from anef.applications.access import application_for_staff, applications_for_agent
from anef.applications.services import staff_read_record
from anef.certificates.services import document_render_pdf
from anef.core.http import erased_file_response, private_file_response, user_file_response, wants_inline
from anef.documents.constants import ScanStatus
from anef.documents.selectors import document_for_staff
from anef.messaging.selectors import attachment_in

from .access import staff_required


@staff_required
def document(request, reference, document_id):
    application = application_for_staff(user=request.user, reference=reference)
    doc = document_for_staff(application=application, document_id=document_id)
    if doc.erased_at:  # nothing left to read: no read to log
        return erased_file_response(
            request,
            name=doc.original_name,
            erased_at=doc.erased_at,
            back_url=reverse("backoffice:case", args=[application.reference]),
        )
    staff_read_record(actor=request.user, application=application, document=doc)
    return user_file_response(
        doc.file, content_type=doc.content_type, filename=doc.original_name, inline=wants_inline(request)
    )


@staff_required
def message_attachment(request, reference, attachment_id):
    application = application_for_staff(user=request.user, reference=reference)
    attachment = attachment_in(
        applications=applications_for_agent(agent=request.user).filter(pk=application.pk), attachment_id=attachment_id
    )
    if attachment.erased_at:
        return erased_file_response(
            request,
            name=attachment.original_name,
            erased_at=attachment.erased_at,
            back_url=reverse("backoffice:messages", args=[application.reference]),
        )
    if attachment.scan_status != ScanStatus.CLEAN:  # never shown to staff until a scanner found it clean
        raise Http404
    staff_read_record(actor=request.user, application=application, a_file=True)
    return user_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name,
        inline=wants_inline(request),
    )


@staff_required
def issued_document(request, reference, number):
    """An issued document's PDF, to print at the counter for a person without an account."""
    application = application_for_staff(user=request.user, reference=reference)
    document = get_object_or_404(application.issued_documents, number=number)
    document = document_render_pdf(document_id=document.pk)
    staff_read_record(actor=request.user, application=application, a_file=True)
    return private_file_response(document.pdf, content_type="application/pdf", filename=f"{document.number}.pdf")
