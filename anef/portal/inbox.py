"""The thread with the prefecture, from the applicant's side: read it, write, open an attachment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anef.applications.access import application_for_user, applications_for_applicant
from anef.core.http import erased_file_response, user_file_response, wants_inline
from anef.messaging.forms import MessageForm
from anef.messaging.models import Side
from anef.messaging.selectors import attachment_in, thread
from anef.messaging.services import messages_mark_read


@login_required
@require_http_methods(["GET", "POST"])
def application_messages(request, reference):
    """The thread with the prefecture: read it (which sets read receipts), write, attach a file."""
    application = application_for_user(user=request.user, reference=reference)
    form = MessageForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.send(application=application, actor=request.user):
        messages.success(request, _("Your message is sent to the prefecture."))
        return redirect("portal:messages", reference=reference)
    messages_mark_read(application_id=application.pk, reader_side=Side.APPLICANT)
    return render(
        request,
        "portal/messages.html",
        {"application": application, "thread": thread(application=application), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def message_attachment(request, attachment_id):
    attachment = attachment_in(applications=applications_for_applicant(user=request.user), attachment_id=attachment_id)
    if attachment.erased_at:
        return erased_file_response(
            request,
            name=attachment.original_name,
            erased_at=attachment.erased_at,
            back_url=reverse("portal:messages", args=[attachment.message.application.reference]),
        )
    return user_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name,
        inline=wants_inline(request),
    )
