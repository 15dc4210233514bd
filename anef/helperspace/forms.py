"""The helper's forms: a mandate signed on paper, and the code that confirms it."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anef.core.widgets import DateInput


class PaperMandateForm(forms.Form):
    birth_date = forms.DateField(label=gettext_lazy("The person's date of birth"), widget=DateInput())
    person_email = forms.EmailField(
        label=gettext_lazy("The person's email address (their ANEF account)"),
        help_text=gettext_lazy("Leave empty if the person has no email: give their last name and a file number."),
        required=False,
    )
    last_name = forms.CharField(
        label=gettext_lazy("Without email: the person's last name"), max_length=150, required=False
    )
    file_or_claim = forms.CharField(
        label=gettext_lazy("Without email: one of their file numbers, or the claim code the counter gave them"),
        help_text=gettext_lazy("Written on the filing certificate or on the counter's paper."),
        max_length=30,
        required=False,
    )
    ends_on = forms.DateField(label=gettext_lazy("Mandate valid until"), widget=DateInput())
    scan = forms.FileField(
        label=gettext_lazy("The signed mandate, scanned"),
        help_text=gettext_lazy("PDF, JPEG or PNG, 10 MB at most."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("person_email") and not (data.get("last_name", "").strip() and data.get("file_or_claim")):
            raise forms.ValidationError(
                _("Give the person's email address or, if they have none, their last name and a file number.")
            )
        return data


class ConfirmMandateForm(forms.Form):
    person_email = forms.CharField(
        label=gettext_lazy("The person's email address, or the file number you gave"),
        help_text=gettext_lazy("As you gave it when recording the mandate."),
        max_length=254,
    )
    code = forms.CharField(
        label=gettext_lazy("The code the person received"),
        help_text=gettext_lazy("8 letters and digits, for example ABCD-3467."),
        max_length=20,
    )
