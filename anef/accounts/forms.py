from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import Language


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
