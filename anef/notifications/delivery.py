"""Deliver one notification on its channel. Raises on a failure the task will retry."""

from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from anef.applications.workflow import EventKind
from anef.certificates.models import IssuedDocument
from anef.certificates.services import document_render_pdf

from .constants import Channel
from .models import Notification
from .sms import sms_backend


def deliver(notification: Notification) -> None:
    if notification.channel == Channel.EMAIL:
        message = EmailMessage(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{notification.subject}",
            body=notification.body,
            to=[notification.recipient],
            # The key travels as the Message-ID: a retried send is recognisably the same message.
            headers={"Message-ID": f"<{notification.idempotency_key.replace(':', '.')}@anef.notifications>"},
        )
        for name, content in attachments(notification):
            message.attach(name, content, "application/pdf")
        message.send(fail_silently=False)
    elif notification.channel == Channel.SMS:
        sms_backend().send(to=notification.recipient, text=notification.body, key=notification.idempotency_key)
    else:
        notification.letter.save(
            f"{notification.idempotency_key.replace(':', '-')}.pdf", ContentFile(letter_pdf(notification)), save=False
        )


def letter_pdf(notification: Notification) -> bytes:
    """The letter, followed by the document it announces (the same PDF an email attaches): a person
    known by post receives the document itself."""
    letter = _letter_only(notification)
    enclosed = attachments(notification)
    if not enclosed:
        return letter
    writer = PdfWriter()
    for content in (letter, *(content for _name, content in enclosed)):
        writer.append(PdfReader(BytesIO(content)))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _letter_only(notification: Notification) -> bytes:

    person = notification.person
    application = notification.application
    with translation.override(notification.language):
        html = render_to_string(
            "notifications/letter.html",
            {
                "notification": notification,
                "person": person,
                "language": notification.language,
                "prefecture": application.prefecture.name if application and application.prefecture else "",
                "date": date_format(timezone.localdate(), "SHORT_DATE_FORMAT"),
            },
        )
    return HTML(string=html).write_pdf()


def attachments(notification: Notification) -> list[tuple[str, bytes]]:
    """The issued document announced by this notification, as a PDF (rendered once, then stored)."""
    if notification.kind != EventKind.DOCUMENT_ISSUE or notification.event_id is None:
        return []

    number = notification.event.payload.get("document")
    document = IssuedDocument.objects.filter(number=number).first()
    if document is None:
        return []
    document = document_render_pdf(document_id=document.pk)
    return [(f"{document.number}.pdf", document.pdf.open("rb").read())]
