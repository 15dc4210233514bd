"""The helper's forms: a mandate signed on paper, and the code that confirms it."""

from django import forms
from django.utils.translation import gettext_lazy

from anef.core.widgets import DateInput


class PaperMandateForm(forms.Form):
    person_email = forms.EmailField(label=gettext_lazy("The person's email address (their ANEF account)"))
    birth_date = forms.DateField(label=gettext_lazy("The person's date of birth"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("Mandate valid until"), widget=DateInput())
    scan = forms.FileField(
        label=gettext_lazy("The signed mandate, scanned"),
        help_text=gettext_lazy("PDF, JPEG or PNG, 10 MB at most."),
    )


class ConfirmMandateForm(forms.Form):
    person_email = forms.EmailField(label=gettext_lazy("The person's email address (their ANEF account)"))
    code = forms.CharField(
        label=gettext_lazy("The code the person received"),
        help_text=gettext_lazy("8 letters and digits, for example ABCD-3467."),
        max_length=20,
    )
