from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.models import User
from anef.applications.access import actor_kind
from anef.applications.errors import ApplicationError, TransitionNotAllowed
from anef.applications.kernel import lock_application, record_event
from anef.applications.workflow import Actor, EventKind, State
from anef.documents.validation import prepare_upload

from .models import Attachment, Message, Side

MAX_BODY = 8000


def message_send(*, application_id: int, actor: User, body: str, uploaded: UploadedFile | None = None) -> Message:
    """Add a message to the application's thread; it is part of the history, and the applicant is
    notified of the prefecture's messages. An attachment goes through the documents' pipeline (scanned,
    rebuilt); a bad one stores nothing."""
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("The message is empty."))
    if len(body) > MAX_BODY:
        raise ApplicationError(_("The message is too long."))
    prepared = prepare_upload(uploaded) if uploaded else None
    with transaction.atomic():
        application = lock_application(application_id)
        kind = actor_kind(user=actor, application=application)
        if kind == Actor.APPLICANT:
            side = Side.APPLICANT
        elif kind in (Actor.AGENT, Actor.COUNTER):
            side = Side.PREFECTURE
        else:
            raise TransitionNotAllowed()
        if application.state == State.DRAFT:
            raise ApplicationError(_("Messages start once the application is submitted."))
        message = Message.objects.create(application=application, author=actor, side=side, body=body)
        if prepared is not None:
            attachment = Attachment(
                message=message,
                **prepared.row_fields(scanned_at=timezone.now()),
            )
            attachment.file.save("attachment", prepared.as_file(), save=False)
            attachment.save()
        record_event(
            application=application,
            kind=EventKind.MESSAGE,
            actor=actor,
            payload={"message": message.pk, "side": side, "attachment": prepared.display_name if prepared else ""},
        )
    return message


def messages_mark_read(*, application_id: int, reader_side: str) -> int:
    """The reader's side has seen the other side's messages: set their read receipts."""
    other = Side.PREFECTURE if reader_side == Side.APPLICANT else Side.APPLICANT
    return Message.objects.filter(application_id=application_id, side=other, read_at__isnull=True).update(
        read_at=timezone.now()
    )
