import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from anef.core.widgets import DateInput
from anef.territory.postcodes import UnknownPostcode, departement_for_postcode, normalise_postcode

from .constants import IDENTITY_FIELDS, IdentityDocument, Language
from .models import Person


class SignupExtraForm(forms.Form):
    """Fields added to allauth's sign-up form; the Person is created by the account adapter."""

    first_name = forms.CharField(
        label=_("First name(s)"), max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    preferred_language = forms.ChoiceField(label=_("Language for our messages"), choices=Language.choices)

    def clean(self):
        """The names typed here are not yet on any account: check the password against them now
        (allauth then checks it against the email with every validator)."""
        from .validators import PersonalDetailsValidator, name_parts

        data = super().clean()
        password = data.get("password1")
        if password:
            try:
                PersonalDetailsValidator().validate_against(
                    password, parts=name_parts(data.get("first_name", ""), data.get("last_name", "")), dates=set()
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def signup(self, request, user):
        """Called by allauth after the user is saved; the adapter already created the person."""


class ProfileForm(forms.ModelForm):
    """The person's profile: the applicant's own page, the same form reached from an application
    (a helper under a mandate, a counter agent), and the counter's registration form. It never saves
    by itself: `accounts.services` is the only writer."""

    postcode = forms.CharField(label=_("postcode"), max_length=10)

    class Meta:
        model = Person
        fields = [
            "first_name", "last_name", "date_of_birth", "nationality", "address_line", "postcode", "city",
            "phone", "preferred_language", "permit_type", "permit_number", "permit_expires_on", "permit_allows_work",
        ]  # fmt: skip
        widgets = {
            "date_of_birth": DateInput(attrs={"autocomplete": "bday"}),
            "permit_expires_on": DateInput(),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "address_line": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }
        help_texts = {
            "last_name": _("As written on your passport."),
            "date_of_birth": _("Format: day/month/year, for example 21/03/1990."),
            "postcode": _("Five digits. It decides which prefecture handles your applications."),
            "phone": _("Optional. We send a text message at each step if you give one."),
            "permit_type": _("Leave empty if you do not have a residence permit yet."),
            "permit_number": _("Printed on the front of the card."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", _("Choose a country"))] + [
            (code, name) for code, name in countries if code != "FR"
        ]
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code", "inputmode": "numeric"})
        self.fields["postcode"].help_text = _("Five digits. It decides which prefecture handles your applications.")
        for name in ("date_of_birth", "nationality", "address_line", "postcode", "city"):
            self.fields[name].required = True
        if self.instance.pk and self.instance.identity_verified:
            # From the civil registers through FranceConnect: shown, never taken from the form.
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        try:
            postcode = normalise_postcode(value)
            departement_for_postcode(postcode)
        except UnknownPostcode as exc:
            raise forms.ValidationError(_("Enter a French postcode of five digits, for example 69003.")) from exc
        return postcode

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value and (value > timezone.localdate() or value.year < 1900):
            raise forms.ValidationError(_("Enter a real date of birth."))
        return value

    def clean_phone(self):
        value = re.sub(r"[\s.\-]", "", self.cleaned_data.get("phone") or "")
        if value and not re.fullmatch(r"\+?\d{9,15}", value):
            raise forms.ValidationError(_("Enter a phone number, for example 06 12 34 56 78 or +33 6 12 34 56 78."))
        return value

    def clean(self):
        data = super().clean()
        permit_fields = ("permit_type", "permit_expires_on")
        if any(data.get(name) for name in permit_fields) and not all(data.get(name) for name in permit_fields):
            raise forms.ValidationError(_("To describe your current permit, give both its type and its expiry date."))
        return data


class RecoveryCodeIssueForm(forms.Form):
    """What a counter agent or a mandated helper records before giving a recovery code on paper: the
    identity document they checked in person (accounts.recovery.recovery_code_issue)."""

    document = forms.ChoiceField(label=_("Identity document checked"), choices=[("", "—"), *IdentityDocument.choices])
    document_number = forms.CharField(
        label=_("Its number (the last 4 characters are enough)"),
        help_text=_("Only the last 4 characters are kept."),
        max_length=30,
    )
    checked_in_person = forms.BooleanField(
        label=_(
            "I saw the document and the person in front of me: the photograph, the names and the date of "
            "birth match the account."
        ),
    )
