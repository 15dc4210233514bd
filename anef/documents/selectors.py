from django.http import Http404

from anef.accounts.models import User
from anef.applications.access import applications_for_applicant

from .constants import ScanStatus
from .models import UploadedDocument


def document_for_user(*, user: User, document_id) -> UploadedDocument:
    """The document if this user may read it, else 404 (same answer for missing and not yours)."""
    try:
        return UploadedDocument.objects.select_related("application").get(
            pk=document_id, application__in=applications_for_applicant(user=user)
        )
    except (UploadedDocument.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def document_for_staff(*, application, document_id) -> UploadedDocument:
    """A document of this application (the caller checked the agent may see it) that a scanner
    found clean; else 404. A file not scanned clean is never shown to staff."""
    try:
        return application.uploaded_documents.get(pk=document_id, scan_status=ScanStatus.CLEAN)
    except (UploadedDocument.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
