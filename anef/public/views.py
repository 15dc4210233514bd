from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from anef.applications.selectors import pending_of_the_same_kind
from anef.certificates.constants import LEGAL_BASIS, DocumentType, VerificationStatus
from anef.certificates.selectors import document_permit, number_key, verify_number, verify_payload
from anef.core.signing import published_keys
from anef.core.throttle import FailureLimit, attempt, throttle
from anef.core.widgets import DateInput
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
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    existing = pending_of_the_same_kind(person=person, family_key=procedure.family) if person else None
    return render(
        request,
        "public/procedure_detail.html",
        {
            "procedure": procedure,
            "documents": documents,
            "questions": questions,
            "figure": figure_for(prefecture_id=None, procedure_id=procedure.pk),
            "existing": existing,
            # When the API comes (the sweep's rule, anef/certificates/sweeps.py): near the permit's end.
            "api_lead_days": settings.ANEF_API_LEAD_DAYS if DocumentType.API in procedure.yields else None,
        },
    )


class VerifyForm(forms.Form):
    payload = forms.CharField(
        label=_("Content of the QR code"),
        help_text=_(
            "A phone that scans the QR code opens this page with the answer. You can also paste what a reader "
            "shows: a link to this page, or a text starting with ANEF1."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
    )
    number = forms.CharField(
        label=_("Document number"),
        help_text=_("As printed, for example ACDEF-GHJKL: with or without the hyphen or spaces."),
        required=False,
        max_length=30,
    )
    birth_date = forms.DateField(label=_("Holder's date of birth"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if not data.get("payload") and not (data.get("number") and data.get("birth_date")):
            raise forms.ValidationError(
                _("Paste the content of the QR code, or give the document number and the holder's date of birth.")
            )
        return data


# Wrong document numbers or dates of birth, per client and per client and number. Nothing is ever
# locked: the holder (or a verifier) on another connection always gets an answer.
VERIFY_FAILURES_PER_CLIENT = FailureLimit("verify-number-client", "20/h")
VERIFY_FAILURES_PER_NUMBER = FailureLimit("verify-number-target", "5/h")


@throttle(group="verify", rate="30/m")
def verify(request):
    # The QR code is a link to this page with the payload in `code`: a phone's camera opens it here.
    code = request.GET.get("code", "") if request.method == "GET" else ""
    form = VerifyForm(request.POST if request.method == "POST" else ({"payload": code} if code else None))
    verdict = None
    limited = request.limited
    if limited:
        form.add_error(None, _("Too many checks from your connection. Wait a minute and try again."))
    elif (request.method == "POST" or code) and form.is_valid():
        if form.cleaned_data.get("payload"):
            verdict = verify_payload(form.cleaned_data["payload"])
        else:
            number = number_key(form.cleaned_data["number"])
            limits = [(VERIFY_FAILURES_PER_CLIENT, ""), (VERIFY_FAILURES_PER_NUMBER, number)]
            tried = attempt(request, limits)
            if tried is None:
                limited = True
                form.add_error(
                    None,
                    _(
                        "Too many wrong document numbers or dates of birth from your connection. "
                        "Wait an hour and try again."
                    ),
                )
            else:
                verdict = verify_number(number, form.cleaned_data["birth_date"])
                if verdict.status != VerificationStatus.UNKNOWN:
                    tried.succeeded()
    return render(
        request,
        "public/verify.html",
        {
            "form": form,
            "verdict": verdict,
            "permit": document_permit(verdict.document) if verdict and verdict.document else None,
            "legal_basis": LEGAL_BASIS,
        },
        status=429 if limited else 200,
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


# Wrong codes or dates of birth, per client and per client and code. A share code is never locked
# (an attacker could otherwise block a person who needs to prove their right before a deadline):
# the guesser is slowed down, the holder's verifier on another connection always gets through.
SHARE_FAILURES_PER_CLIENT = FailureLimit("share-check-client", "20/h")
SHARE_FAILURES_PER_CODE = FailureLimit("share-check-target", "5/h")


@throttle(group="check-right", rate="10/m")
def check_right(request):
    """Employers, landlords, benefit offices: code + date of birth, then only what the purpose needs."""
    from anef.sharing.services import normalise

    form = RightCheckForm(request.POST if request.method == "POST" else None)
    check, no_match = None, False
    limited = request.limited
    if limited:
        form.add_error(None, _("Too many checks from your connection. Wait a minute and try again."))
    elif request.method == "POST" and form.is_valid():
        limits = [(SHARE_FAILURES_PER_CLIENT, ""), (SHARE_FAILURES_PER_CODE, normalise(form.cleaned_data["code"]))]
        tried = attempt(request, limits)
        if tried is None:
            limited = True
            form.add_error(
                None, _("Too many wrong codes or dates of birth from your connection. Wait an hour and try again.")
            )
        else:
            check = share_code_check(
                code=form.cleaned_data["code"],
                birth_date=form.cleaned_data["birth_date"],
                verifier=form.cleaned_data["verifier"],
            )
            no_match = check is None
            if not no_match:
                tried.succeeded()
    proof = signing.dumps(str(check.pk), salt="share-proof") if check else None
    return render(
        request,
        "public/check_right.html",
        {"form": form, "check": check, "no_match": no_match, "proof": proof},
        status=429 if limited else 200,
    )


@never_cache
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
