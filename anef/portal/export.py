"""A person downloads all their data (SPEC §10): one ZIP with what we hold about them, readable by
a person (a README in their language) and by a program (data.json), and every file they gave us or
we issued to them. A read: nothing changes, except that an issued document not yet rendered as PDF
is rendered (and kept) on the way.
"""

import json
import zipfile
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone, translation

from anef.accounts.models import Person
from anef.accounts.services import PROFILE_FIELDS
from anef.applications.selectors import applicant_timeline
from anef.certificates.services import document_render_pdf


def _when(value):
    return value.isoformat() if value else None


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:120] or "file"


def person_data_archive(*, person: Person) -> bytes:
    files: list[tuple[str, object]] = []
    applications = []
    for application in person.applications.select_related("procedure", "prefecture").order_by("created_at"):
        reference = application.reference
        documents = []
        for document in application.uploaded_documents.order_by("uploaded_at"):
            path = f"applications/{reference}/documents/{document.pk}-{_safe(document.original_name)}"
            if document.erased_at:
                path = None  # erased under the retention policy: the row says when
            else:
                files.append((path, document.file))
            documents.append(
                {
                    "requirement": document.requirement_code,
                    "name": document.original_name,
                    "file": path,
                    "erased_at": _when(document.erased_at),
                    "uploaded_at": _when(document.uploaded_at),
                    "replaced_at": _when(document.superseded_at),
                    "reason": document.reason,
                    "check": document.get_verdict_display(),
                }
            )
        messages = []
        for message in application.messages.prefetch_related("attachments").order_by("created_at"):
            attachments, erased = [], []
            for attachment in message.attachments.all():
                if attachment.erased_at:
                    erased.append({"name": attachment.original_name, "erased_at": _when(attachment.erased_at)})
                    continue
                path = f"applications/{reference}/messages/{attachment.pk}-{_safe(attachment.original_name)}"
                files.append((path, attachment.file))
                attachments.append(path)
            messages.append(
                {
                    "from": message.get_side_display(),
                    "at": _when(message.created_at),
                    "text": message.body,
                    "attachments": attachments,
                    "erased_attachments": erased,
                }
            )
        applications.append(
            {
                "reference": reference,
                "procedure": application.procedure.title,
                "state": application.get_state_display(),
                "channel": application.get_channel_display(),
                "prefecture": application.prefecture.name if application.prefecture else None,
                "started_at": _when(application.created_at),
                "filed_at": _when(application.filed_at),
                "filed_in_time": application.filed_in_time,
                "eligibility": application.eligibility,
                "answers": application.answers,
                "answers_to_correct": application.typed_input,
                "history": [
                    {
                        "at": _when(event.created_at),
                        "what": event.get_kind_display(),
                        "state": event.get_to_state_display() if event.to_state else None,
                        "reason": event.reason,
                    }
                    for event in applicant_timeline(application=application)
                ],
                "documents": documents,
                "messages": messages,
            }
        )
    issued = []
    for document in person.issued_documents.select_related("application").order_by("created_at"):
        document = document_render_pdf(document_id=document.pk)
        path = f"issued/{_safe(document.number)}.pdf"
        files.append((path, document.pdf))
        issued.append(
            {
                "number": document.number,
                "type": document.get_type_display(),
                "application": document.application.reference if document.application else None,
                "valid_from": _when(document.valid_from),
                "valid_until": _when(document.valid_until),
                "status": document.get_status_display(),
                "rights": document.rights,
                "file": path,
            }
        )
    data = {
        "exported_at": _when(timezone.now()),
        "profile": {name: getattr(person, name) for name in PROFILE_FIELDS} | {"email": person.email},
        "applications": applications,
        "issued_documents": issued,
        "notifications": [
            {
                "at": _when(n.created_at),
                "channel": n.get_channel_display(),
                "to": n.recipient,
                "subject": n.subject,
                "text": n.body,
                "state": n.get_state_display(),
            }
            for n in person.notifications.order_by("created_at")
        ],
        "share_codes": [
            {
                "purpose": code.get_purpose_display(),
                "created_at": _when(code.created_at),
                "expires_at": _when(code.expires_at),
                "revoked_at": _when(code.revoked_at),
                "checks": [
                    {"at": _when(check.checked_at), "by": check.verifier, "right_holds": check.right_holds}
                    for check in code.checks.order_by("checked_at")
                ],
            }
            for code in person.share_codes.prefetch_related("checks").order_by("created_at")
        ],
        "mandates": [
            {
                "helper": mandate.helper.get_full_name(),
                "structure": mandate.structure.name,
                "all_applications": mandate.all_applications,
                "consent": str(mandate.get_origin_display()),
                "confirmed_at": _when(mandate.confirmed_at),
                "from": _when(mandate.starts_on),
                "until": _when(mandate.ends_on),
                "revoked_at": _when(mandate.revoked_at),
            }
            for mandate in person.mandates.select_related("helper", "structure").order_by("created_at")
        ],
    }
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with translation.override(person.preferred_language):
            archive.writestr("README.txt", render_to_string("accounts/export_readme.txt", {"person": person}))
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for path, field_file in files:
            if field_file:
                with field_file.open("rb") as handle:
                    archive.writestr(path, handle.read())
    return buffer.getvalue()
