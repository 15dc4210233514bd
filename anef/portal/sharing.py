"""The documents issued to the person, and the share codes that let a verifier check their right."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anef.certificates.models import IssuedDocument
from anef.certificates.selectors import document_standing, documents_for_person
from anef.certificates.services import document_render_pdf
from anef.core.errors import UserError
from anef.core.http import private_file_response
from anef.sharing.services import share_code_create, share_code_revoke

from .access import person_of
from .forms import ShareCodeForm, ShareCodeRevokeForm
from .pages import sharing_page


@login_required
def issued_documents(request):
    person = person_of(request)
    today = timezone.localdate()
    documents = [(document, document_standing(document, today)) for document in documents_for_person(person)]
    return render(request, "portal/documents.html", {"documents": documents})


@login_required
def issued_document_pdf(request, number):
    person = person_of(request)
    document = get_object_or_404(IssuedDocument, number=number, person=person)
    document = document_render_pdf(document_id=document.pk)
    return private_file_response(document.pdf, content_type="application/pdf", filename=f"{document.number}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def sharing(request):
    """The holder's share codes: create one for a purpose (after seeing what the verifier will see),
    revoke one, and see every check."""
    person = person_of(request)
    if request.method == "GET":
        return render(request, "portal/sharing.html", sharing_page(person=person))
    if "revoke" in request.POST:  # which button was pressed
        revoke = ShareCodeRevokeForm(request.POST, person=person)
        if not revoke.is_valid():
            raise Http404
        share_code_revoke(share_code=revoke.cleaned_data["revoke"])
        messages.success(request, _("The code is revoked: it no longer works."))
        return redirect("portal:sharing")
    form = ShareCodeForm(request.POST)
    try:
        if not form.is_valid():
            raise UserError(form.errors["purpose"][0])
        code = share_code_create(person=person, purpose=form.cleaned_data["purpose"])
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your code is %(code)s. Give it with your date of birth.") % {"code": code.display})
    return redirect("portal:sharing")
