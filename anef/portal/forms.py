import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from anef.assistance.models import Mandate
from anef.core.formats import euros, quantity
from anef.core.widgets import DateInput
from anef.procedures.conditions import condition_holds
from anef.procedures.constants import FieldType
from anef.procedures.models import Procedure
from anef.procedures.texts import describe_condition, localised
from anef.sharing.models import Purpose, ShareCode
from anef.transparency.constants import FEEDBACK_MAX_TEXT, Satisfaction
from anef.transparency.inquiries import MAX_TEXT as INQUIRY_MAX_TEXT

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
STAMP_RE = re.compile(r"^\d{16}$")


class EligibilityForm(forms.Form):
    """One yes/no question per eligibility question of the procedure."""

    def __init__(self, *args, procedure: Procedure, initial_answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = procedure.questions
        for question in self.questions:
            stored = initial_answers.get(question["name"])
            self.fields[question["name"]] = forms.ChoiceField(
                label=localised(question["label"]),
                help_text=localised(question.get("help")),
                choices=YES_NO,
                widget=forms.RadioSelect,
                initial=None if stored is None else ("yes" if stored else "no"),
                error_messages={"required": _("Answer yes or no.")},
            )

    def answers(self) -> dict[str, bool]:
        return {name: value == "yes" for name, value in self.cleaned_data.items()}

    def ineligible(self) -> list[str]:
        answers = self.answers()
        return [localised(q["if_not"]) for q in self.questions if answers.get(q["name"]) != q["expected"]]


class AnswersForm(forms.Form):
    """The procedure's own form, built from its definition.

    Without JavaScript every field is shown; a field that applies only in some cases says so and is
    required only when its condition holds.
    """

    def __init__(self, *args, procedure: Procedure, initial_answers: dict, typed: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        typed = typed or {}
        self.procedure = procedure
        self.definitions = {field["name"]: field for field in procedure.fields}
        for field in procedure.fields:
            form_field = self._build(field)
            condition = field.get("when")
            if condition:
                form_field.required = False
                form_field.help_text = " ".join(
                    part
                    for part in [str(form_field.help_text or ""), describe_condition(condition, procedure.fields)]
                    if part
                )
            form_field.initial = typed.get(field["name"]) or self._initial(field, initial_answers.get(field["name"]))
            self.fields[field["name"]] = form_field
        if procedure.needs_stamp:
            self.fields["stamp_number"] = forms.CharField(
                label=_("Tax stamp number"),
                help_text=_(
                    "The 16 digits of the electronic tax stamp (timbre fiscal) of %(amount)s, "
                    "bought on timbres.impots.gouv.fr or at a tobacconist."
                )
                % {"amount": euros(procedure.fee_eur)},
                initial=typed.get("stamp_number") or initial_answers.get("stamp_number", ""),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                required=False,
            )

    @staticmethod
    def _build(field: dict) -> forms.Field:
        common = {
            "label": localised(field["label"]),
            "help_text": localised(field.get("help")),
            "required": field.get("required", True),
        }
        kind = field["type"]
        if kind == FieldType.TEXTAREA:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, **common)
        if kind == FieldType.DATE:
            return forms.DateField(widget=DateInput(), **common)
        if kind == FieldType.CHOICE:
            choices = [("", _("Choose"))] + [(c["value"], localised(c["label"])) for c in field["choices"]]
            return forms.ChoiceField(choices=choices, **common)
        if kind == FieldType.BOOLEAN:
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
        if kind == FieldType.NUMBER:
            return forms.DecimalField(max_digits=12, decimal_places=2, localize=True, **common)
        if kind == FieldType.EMAIL:
            return forms.EmailField(**common)
        if kind == FieldType.PHONE:
            return forms.CharField(max_length=20, widget=forms.TextInput(attrs={"type": "tel"}), **common)
        return forms.CharField(max_length=300, **common)

    @staticmethod
    def _initial(field: dict, stored):
        if stored is None:
            return None
        if field["type"] == FieldType.BOOLEAN:
            return "yes" if stored else "no"
        if field["type"] == FieldType.DATE:
            return date.fromisoformat(stored)
        if field["type"] == FieldType.NUMBER:
            return quantity(stored)  # 600, not 600.0
        return stored

    def clean_stamp_number(self):
        value = re.sub(r"\s", "", self.cleaned_data.get("stamp_number") or "")
        if value and not STAMP_RE.match(value):
            raise forms.ValidationError(_("A tax stamp number has exactly 16 digits."))
        return value

    def clean(self):
        data = super().clean()
        answers = self.answers(data)
        for name, field in self.definitions.items():
            condition = field.get("when")
            required_here = condition and field.get("required", True) and condition_holds(condition, answers)
            if required_here and answers.get(name) in (None, ""):
                self.add_error(name, _("This answer is needed in your situation."))
        return data

    def typed_input(self) -> dict[str, str]:
        """What was typed in the fields that could not be read (after `is_valid()`), as typed; not
        in a question that the other answers make irrelevant (it is dropped like its answer)."""
        answers = self.answers()
        typed = {}
        for name in self.errors:
            if name not in self.fields:
                continue
            definition = self.definitions.get(name)
            if definition and not condition_holds(definition.get("when"), answers):
                continue
            value = self[name].value()
            if isinstance(value, str) and value.strip():
                typed[name] = value
        return typed

    def answers(self, data=None) -> dict:
        """JSON-ready answers: dates as ISO strings, yes/no as booleans, empty values dropped."""
        data = self.cleaned_data if data is None else data
        result = {}
        for name, value in data.items():
            field = self.definitions.get(name)
            if value in (None, ""):
                continue
            if field and field["type"] == FieldType.BOOLEAN:
                value = value == "yes"
            elif isinstance(value, date):
                value = value.isoformat()
            elif field and field["type"] == FieldType.NUMBER:
                value = float(value)
            result[name] = value
        # Answers to questions that no longer apply are dropped so they cannot mislead an agent.
        return {
            name: value
            for name, value in result.items()
            if name == "stamp_number" or condition_holds(self.definitions[name].get("when"), result)
        }


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Choose a file"),
        help_text=_("PDF, JPEG or PNG, 10 MB at most."),
        error_messages={"required": _("Choose a file to send.")},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    reason = forms.CharField(
        label=_("Why do you add or replace this document?"),
        required=False,
        max_length=500,
        help_text=_("Needed once the application is filed, for the agent who examines it."),
    )

    def __init__(self, *args, needs_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_reason:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it?"),
        help_text=_("Optional. It helps the prefecture."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the prefecture stops examining this application."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class InquiryForm(forms.Form):
    text = forms.CharField(
        label=_("What you want to add (optional)"),
        help_text=_("For example a change in your situation, or why the wait is hard for you."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=INQUIRY_MAX_TEXT,
        required=False,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the prefecture"),
        help_text=_("Say what you sent or explain what you cannot provide."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class RequirementChoiceForm(forms.Form):
    """Which document of the file an upload is for: one the file needs, else the page is not found."""

    requirement = forms.ChoiceField()

    def __init__(self, *args, requirements: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [(r["code"], r["code"]) for r in requirements]


NO_SLOT = _("Choose one of the slots below.")


class SlotForm(forms.Form):
    """The slot chosen to book or move an appointment (the service checks it is free and fits)."""

    slot = forms.IntegerField(error_messages={"required": NO_SLOT, "invalid": NO_SLOT})


NO_PURPOSE = _("Choose what the code is for.")


class ShareCodeForm(forms.Form):
    """What a new share code is for (the service checks it too)."""

    purpose = forms.ChoiceField(
        choices=Purpose.choices, error_messages={"required": NO_PURPOSE, "invalid_choice": NO_PURPOSE}
    )


class ShareCodeRevokeForm(forms.Form):
    """A code of this person's to revoke: any other is not found."""

    revoke = forms.ModelChoiceField(queryset=ShareCode.objects.none())

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoke"].queryset = ShareCode.objects.filter(person=person)


class MandateRevokeForm(forms.Form):
    """A mandate this person gave, to revoke: any other is not found."""

    revoke = forms.ModelChoiceField(queryset=Mandate.objects.none())

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoke"].queryset = Mandate.objects.filter(person=person)


NOT_WAITING = _("This request is no longer waiting for your answer.")


class MandateAnswerForm(forms.Form):
    """The person's answer to a paper mandate a helper recorded: the button pressed carries its id."""

    agree = forms.IntegerField(required=False, error_messages={"invalid": NOT_WAITING})
    refuse = forms.IntegerField(required=False, error_messages={"invalid": NOT_WAITING})

    def answer(self) -> tuple[int | None, bool]:
        """(the mandate's id, whether the person agrees)."""
        agreed = self.cleaned_data.get("agree")
        return (agreed, True) if agreed is not None else (self.cleaned_data.get("refuse"), False)


NO_END_DATE = _("Give the date until which the mandate is valid.")


class MandateGrantForm(forms.Form):
    """A mandate given online: the service checks the helper and the period."""

    helper_email = forms.CharField(required=False)
    ends_on = forms.DateField(error_messages={"required": NO_END_DATE, "invalid": NO_END_DATE})
    # Ticked applications, by reference; none ticked covers them all (references not the person's are ignored).
    applications = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_applications(self) -> list:
        return list(self.person.applications.filter(reference__in=self.cleaned_data["applications"] or []))


NO_BIRTH_DATE = _("Give the date of birth.")
# What the claim page keeps of what was typed (a code is far shorter; so is an ISO date).
CLAIM_CODE_MAX, BIRTH_DATE_MAX = 40, 10


class ClaimForm(forms.Form):
    """The claim code printed at the counter and the date of birth (the service checks both)."""

    code = forms.CharField(required=False, strip=False)
    birth_date = forms.DateField(error_messages={"required": NO_BIRTH_DATE, "invalid": NO_BIRTH_DATE})

    def clean_code(self) -> str:
        return self.cleaned_data["code"][:CLAIM_CODE_MAX]

    def normalised_code(self) -> str:
        """The code as the counter printed it, whatever the case and separators typed."""
        return "".join(ch for ch in self.cleaned_data.get("code", "").upper() if ch.isalnum())

    def typed(self) -> dict[str, str]:
        """What was typed, shown back in the form."""
        return {
            "code": (self["code"].value() or "")[:CLAIM_CODE_MAX],
            "birth_date": (self["birth_date"].value() or "")[:BIRTH_DATE_MAX],
        }


class FranceConnectUnlinkForm(forms.Form):
    """Nothing to fill: the button says what it does."""


# Account recovery (accounts.recovery): the pages a person reaches from the sign-in page.


class RecoverySmsRequestForm(forms.Form):
    """Who asks for a code by text message: the date of birth and the number on file, or the email
    address they remember (the code goes to the number on file, never to what is typed)."""

    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        error_messages={"required": NO_BIRTH_DATE, "invalid": NO_BIRTH_DATE},
    )
    phone = forms.CharField(
        label=_("Mobile number given in your profile"),
        help_text=_("For example 06 12 34 56 78 or +33 6 12 34 56 78."),
        max_length=30,
        required=False,
    )
    email = forms.EmailField(
        label=_("Or the email address of your account, if you remember it"), max_length=254, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone", "").strip() and not cleaned.get("email") and "email" not in self.errors:
            raise forms.ValidationError(_("Give your mobile number or the email address of your account."))
        return cleaned


class NewCredentialsForm(forms.Form):
    """The new email address and password chosen with a valid recovery code."""

    new_email = forms.EmailField(
        label=_("New email address"),
        help_text=_("We send a link to this address: your account signs in with it once you have confirmed it."),
        max_length=254,
    )
    password1 = forms.CharField(
        label=_("New password"),
        help_text=_("At least 10 characters, not too common, not like your name or email address."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class RecoverySmsCodeForm(NewCredentialsForm):
    code = forms.CharField(
        label=_("Code received by text message"),
        help_text=_("6 digits."),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["code", "new_email", "password1", "password2"]


class RecoveryPaperCodeForm(NewCredentialsForm):
    code = forms.CharField(
        label=_("Recovery code printed on your paper"),
        help_text=_("10 letters and digits, for example ACDEF-GH347."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        error_messages={"required": NO_BIRTH_DATE, "invalid": NO_BIRTH_DATE},
    )
    field_order = ["code", "birth_date", "new_email", "password1", "password2"]


NO_SATISFACTION = _("Say how it went.")


class FeedbackForm(forms.Form):
    """An opinion on the service: how it went, and what to improve (optional). It names no one."""

    satisfaction = forms.ChoiceField(
        label=_("How did this procedure go?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": NO_SATISFACTION, "invalid_choice": NO_SATISFACTION},
    )
    text = forms.CharField(
        label=_("What could be better? (optional)"),
        help_text=_("Do not write personal details: this opinion is anonymous and gets no answer."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=FEEDBACK_MAX_TEXT,
        required=False,
    )
    procedure = forms.SlugField(required=False, widget=forms.HiddenInput)
