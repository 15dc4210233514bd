from django import forms
from django.core import signing
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit

from anef.certificates.constants import LEGAL_BASIS
from anef.certificates.selectors import verify_number, verify_payload
from anef.certificates.signing import published_keys
from anef.portal.forms import DateInput
from anef.procedures.constants import Category
from anef.procedures.models import Procedure
from anef.procedures.texts import describe_condition, localised
from anef.sharing.models import ShareCheck
from anef.sharing.proof import check_proof_pdf
from anef.sharing.services import share_code_check
from anef.transparency.selectors import figure_for


def home(request):
    procedures = Procedure.objects.filter(active=True)
    return render(request, "public/home.html", {"featured": procedures[:6]})


def catalogue(request):
    procedures = list(Procedure.objects.filter(active=True))
    groups = []
    for value, label in Category.choices:
        items = [p for p in procedures if p.category == value]
        if items:
            groups.append((label, items))
    return render(request, "public/catalogue.html", {"groups": groups})


def procedure_detail(request, code):
    procedure = get_object_or_404(Procedure, code=code, active=True)
    documents = [
        {
            "label": localised(document["label"]),
            "help": localised(document.get("help")),
            "required": document["required"],
            "condition": describe_condition(document["when"], procedure.fields) if document.get("when") else "",
        }
        for document in procedure.documents
    ]
    questions = [localised(question["label"]) for question in procedure.questions]
    return render(
        request,
        "public/procedure_detail.html",
        {
            "procedure": procedure,
            "documents": documents,
            "questions": questions,
            "figure": figure_for(prefecture_id=None, procedure_id=procedure.pk),
        },
    )


class VerifyForm(forms.Form):
    payload = forms.CharField(
        label=_("Content of the QR code"),
        help_text=_("Scan the QR code with any reader and paste the text here; it starts with ANEF1."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
    )
    number = forms.CharField(label=_("Document number"), required=False, max_length=20)
    birth_date = forms.DateField(label=_("Holder's date of birth"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if not data.get("payload") and not (data.get("number") and data.get("birth_date")):
            raise forms.ValidationError(
                _("Paste the content of the QR code, or give the document number and the holder's date of birth.")
            )
        return data


@ratelimit(key="ip", rate="30/m", block=False)
def verify(request):
    form = VerifyForm(request.POST if request.method == "POST" else None)
    verdict = None
    if request.method == "POST" and getattr(request, "limited", False):
        form.add_error(None, _("Too many checks from your connection. Wait a minute and try again."))
    elif request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("payload"):
            verdict = verify_payload(form.cleaned_data["payload"])
        else:
            verdict = verify_number(form.cleaned_data["number"], form.cleaned_data["birth_date"])
    return render(
        request,
        "public/verify.html",
        {"form": form, "verdict": verdict, "legal_basis": LEGAL_BASIS},
        status=429 if getattr(request, "limited", False) and request.method == "POST" else 200,
    )


def public_keys(request):
    response = JsonResponse(published_keys())
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


class RightCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Share code"), max_length=20, help_text=_("Given by the person, for example ACDE-FGHJ-KM.")
    )
    birth_date = forms.DateField(label=_("The person's date of birth"), widget=DateInput())
    verifier = forms.CharField(
        label=_("Your organisation"),
        required=False,
        max_length=200,
        help_text=_("Optional. The person sees who checked their right."),
    )


@ratelimit(key="ip", rate="10/m", block=False)
def check_right(request):
    """Employers, landlords, benefit offices: code + date of birth, then only what the purpose needs."""
    form = RightCheckForm(request.POST if request.method == "POST" else None)
    check, no_match = None, False
    limited = request.method == "POST" and getattr(request, "limited", False)
    if limited:
        form.add_error(None, _("Too many checks from your connection. Wait a minute and try again."))
    elif request.method == "POST" and form.is_valid():
        check = share_code_check(
            code=form.cleaned_data["code"],
            birth_date=form.cleaned_data["birth_date"],
            verifier=form.cleaned_data["verifier"],
        )
        no_match = check is None
    proof = signing.dumps(str(check.pk), salt="share-proof") if check else None
    return render(
        request,
        "public/check_right.html",
        {"form": form, "check": check, "no_match": no_match, "proof": proof},
        status=429 if limited else 200,
    )


def check_right_proof(request, token):
    """A dated PDF proof of a check, for the verifier's records (the link is signed and expires)."""
    try:
        check_id = signing.loads(token, salt="share-proof", max_age=3600)
    except signing.BadSignature as exc:
        raise Http404 from exc
    check = get_object_or_404(ShareCheck.objects.select_related("share_code"), pk=check_id)
    response = HttpResponse(check_proof_pdf(check), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="verification-{check.checked_at:%Y%m%d-%H%M}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
