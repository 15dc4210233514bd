"""The thread with the applicant, from the prefecture's side: read it, answer from a template."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anef.applications.access import application_for_staff
from anef.applications.services import staff_read_record
from anef.messaging.forms import MessageForm
from anef.messaging.models import MessageTemplate, Side
from anef.messaging.selectors import thread
from anef.messaging.services import messages_mark_read

from .access import staff_required


@staff_required
@require_http_methods(["GET", "POST"])
def case_messages(request, reference):
    application = application_for_staff(user=request.user, reference=reference)
    staff_read_record(actor=request.user, application=application)
    templates = MessageTemplate.objects.filter(Q(procedure=application.procedure) | Q(procedure__isnull=True))
    initial = {}
    chosen = request.GET.get("template")
    if chosen:
        template = templates.filter(pk=chosen).first()
        if template is not None:
            initial["body"] = template.body_for(application.person.preferred_language)
    form = MessageForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    if request.method == "POST" and form.send(application=application, actor=request.user):
        messages.success(request, _("The message is sent; the applicant is notified."))
        return redirect("backoffice:messages", reference=reference)
    messages_mark_read(application_id=application.pk, reader_side=Side.PREFECTURE)
    return render(
        request,
        "backoffice/messages.html",
        {
            "application": application,
            "thread": thread(application=application),
            "form": form,
            "templates": templates,
            "staff_view": True,
            "show_staff_names": True,
        },
        status=400 if form.errors else 200,
    )
