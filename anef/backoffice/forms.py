from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from anef.accounts.constants import Role
from anef.accounts.forms import ProfileForm
from anef.accounts.models import User
from anef.applications.constants import ClosureReason, DocumentVerdict, RefusalGround
from anef.applications.requested import catalogue_choices
from anef.applications.review import MIN_REQUEST_DAYS
from anef.appointments.constants import Kind
from anef.appointments.models import Booking, Counter
from anef.core.widgets import DateInput
from anef.notifications.models import Notification
from anef.procedures.models import Procedure
from anef.procedures.texts import localised
from anef.territory.models import Prefecture, Site
from anef.transparency.inquiries import MAX_TEXT as INQUIRY_MAX_TEXT


class RequestInformationForm(forms.Form):
    """Documents picked from the procedure's list (the applicant reads their label in their own
    language) and others in the agent's words (read as written), a message and a deadline."""

    documents = forms.MultipleChoiceField(
        label=_("Documents from the procedure's list"),
        help_text=_("The applicant reads each one in their language and sends it in its own place."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other = forms.CharField(
        label=_("Other documents or information"),
        help_text=_("In your own words, one per line. The applicant reads them as you write them."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    message = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, procedure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = catalogue_choices(procedure) if procedure is not None else []
        earliest = timezone.localdate() + timedelta(days=MIN_REQUEST_DAYS)
        self.fields["deadline"].initial = timezone.localdate() + timedelta(days=30)
        self.fields["deadline"].help_text = _("At least %(days)s days from today: %(date)s or later.") % {
            "days": MIN_REQUEST_DAYS,
            "date": date_format(earliest, "SHORT_DATE_FORMAT"),
        }
        self.fields["deadline"].widget.attrs["min"] = earliest.isoformat()

    def clean(self):
        data = super().clean()
        if not data.get("documents") and not self._other_lines(data.get("other", "")):
            self.add_error(
                "documents", _("Tick at least one document of the list, or write what is missing in your own words.")
            )
        return data

    @staticmethod
    def _other_lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def item_list(self) -> list[dict]:
        """The items as `review.application_request_information` takes them."""
        picked = [{"code": code} for code in self.cleaned_data["documents"]]
        return picked + [{"text": line} for line in self._other_lines(self.cleaned_data["other"])]


class OwnIds:
    """The case page shows several forms whose fields share a name ("text", "reason"): each form's ids carry
    its own name, so that every id is unique on the page (and each label points at its own field)."""

    id_name = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_name}_%s")
        super().__init__(*args, **kwargs)


class AcceptForm(forms.Form):
    """Accepting while documents are not checked (or rejected) needs an explicit confirmation: the
    form lists them (`unchecked`, the current documents nobody accepted) and asks for the box.
    `seen` holds the documents listed when the page was shown: one added since asks again."""

    comment = forms.CharField(
        label=_("Comment for the history"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_unchecked = forms.BooleanField(
        label=_("I accept the application although these documents are not accepted"),
        error_messages={
            "required": _(
                "Some documents are not checked or were rejected: check them first, or tick the box to accept "
                "the application anyway."
            )
        },
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, unchecked=(), procedure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unchecked = list(unchecked)
        catalogue = procedure.documents if procedure is not None else []
        labels = {document["code"]: localised(document["label"]) for document in catalogue}
        # What the form lists: each document by its name in the catalogue, and where it stands.
        self.unchecked_rows = [
            {
                "code": document.requirement_code,
                "label": labels.get(document.requirement_code, document.requirement_code),
                "verdict": document.get_verdict_display(),
                "rejected": document.verdict == DocumentVerdict.REJECTED,
            }
            for document in self.unchecked
        ]
        if not self.unchecked:
            del self.fields["confirm_unchecked"], self.fields["seen"]
        else:
            self.fields["seen"].initial = ",".join(str(document.pk) for document in self.unchecked)

    def clean(self):
        data = super().clean()
        if not self.unchecked:
            return data
        current = self.fields["seen"].initial
        if data.get("confirm_unchecked") and set(current.split(",")) - set((data.get("seen") or "").split(",")):
            self.add_error(
                "confirm_unchecked",
                _("The documents changed since the page was shown: read the list again and confirm."),
            )
        # Shown again with its errors, the form lists today's documents: a confirmation then holds for them.
        self.data = self.data.copy()
        self.data["seen"] = current
        return data


class RefuseForm(OwnIds, forms.Form):
    id_name = "refuse"

    ground = forms.ChoiceField(label=_("Ground"), choices=[("", _("Choose"))] + RefusalGround.choices)
    text = forms.CharField(
        label=_("Grounds, as the applicant will read them"),
        help_text=_("Facts and legal basis. The appeal route and its deadline are added to the decision."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
    )


class CloseForm(OwnIds, forms.Form):
    id_name = "close"

    reason_code = forms.ChoiceField(label=_("Reason"), choices=[("", _("Choose"))] + ClosureReason.choices)
    text = forms.CharField(
        label=_("Explanation for the applicant"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class RestoreWithdrawalForm(OwnIds, forms.Form):
    id_name = "restore"

    reason = forms.CharField(
        label=_("Why the withdrawal is undone"),
        help_text=_("Sent to the applicant, for example: withdrawn by mistake, as the person told us on the phone."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransferForm(OwnIds, forms.Form):
    id_name = "transfer"

    prefecture = forms.ModelChoiceField(label=_("Prefecture"), queryset=Prefecture.objects.all())
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            self.fields["prefecture"].queryset = Prefecture.objects.exclude(pk=current.pk)


class InquiryAnswerForm(OwnIds, forms.Form):
    id_name = "answer"

    text = forms.CharField(
        label=_("Answer to the inquiry"),
        help_text=_("Sent to the applicant: say where the file stands and what comes next, with a date if you can."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class CounterInquiryForm(OwnIds, forms.Form):
    id_name = "inquiry"

    text = forms.CharField(
        label=_("What the person wants to add (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=INQUIRY_MAX_TEXT,
        required=False,
    )


class NoteForm(OwnIds, forms.Form):
    id_name = "note"

    text = forms.CharField(
        label=_("Internal note"),
        help_text=_("Seen by the prefecture's staff only."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[(DocumentVerdict.ACCEPTED, _("Accept")), (DocumentVerdict.REJECTED, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Why it is rejected (the applicant reads it)"), required=False, max_length=500)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, prefecture=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            prefecture=prefecture, role__in=[Role.CASE_AGENT, Role.SUPERVISOR], is_active=True
        ).order_by("last_name")
        self.fields["assignee"].empty_label = _("Nobody")


PERSON_WORDING = {
    "first_name": (_("The person's first name(s)"), None),
    "last_name": (_("The person's last name"), _("As written on their passport or identity document.")),
    "date_of_birth": (_("The person's date of birth"), None),
    "nationality": (_("The person's nationality"), None),
    "address_line": (_("The person's address"), _("Where they live: letters are sent there.")),
    "postcode": (
        _("Postcode of the person's address"),
        _("Five digits. It decides which prefecture handles their applications."),
    ),
    "city": (_("Town or city of the person's address"), None),
    "phone": (_("The person's mobile phone"), _("They receive a text message at each step if given.")),
    "email": (
        _("The person's email address"),
        _("Without email or phone, the person receives paper letters."),
    ),
    "preferred_language": (_("The language the person reads"), _("Their letters and messages are written in it.")),
    "permit_type": (_("The person's current permit"), _("Leave empty if they do not have a residence permit yet.")),
    "permit_number": (_("Its number"), _("Printed on the front of the card.")),
    "permit_expires_on": (_("Its expiry date"), None),
    "permit_allows_work": (_("The permit allows work"), None),
}


class CounterRegistrationForm(ProfileForm):
    """Identity checked on the spot; email and phone are optional (letters otherwise)."""

    procedure = forms.ModelChoiceField(label=_("Procedure"), queryset=Procedure.objects.filter(active=True))
    postmarked_on = forms.DateField(
        label=_("Postmark date"),
        required=False,
        widget=DateInput(),
        help_text=_("Only for an application received by post: the postmark is the filing date."),
    )

    def clean_postmarked_on(self):
        from datetime import timedelta

        from django.utils import timezone

        value = self.cleaned_data.get("postmarked_on")
        today = timezone.localdate()
        if value and not today - timedelta(days=90) <= value <= today:
            raise forms.ValidationError(_("The postmark date must be within the last 90 days."))
        return value

    class Meta(ProfileForm.Meta):
        fields = [*ProfileForm.Meta.fields, "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False
        # The agent fills it in for the person in front of them: every label speaks of the person.
        for name, (label, help_text) in PERSON_WORDING.items():
            self.fields[name].label = label
            if help_text is not None:
                self.fields[name].help_text = help_text


# Slots are published for three months at most: beyond, sites and staffing are not known yet.
MAX_PUBLISH_DAYS = 92
NO_PUBLICATION = _("Choose a site, a kind and a period of at most three months.")


class SlotsPublishForm(forms.Form):
    """Publish slots at one of the viewer's sites, for one kind of appointment, over a period."""

    site = forms.ModelChoiceField(queryset=Site.objects.none())
    kind = forms.ChoiceField(choices=Kind.choices)
    start = forms.DateField()
    end = forms.DateField()

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days > MAX_PUBLISH_DAYS):
            raise forms.ValidationError(NO_PUBLICATION)
        return data


class CounterBlockForm(forms.Form):
    """Block a counter of one of the viewer's sites for a day."""

    counter = forms.ModelChoiceField(queryset=Counter.objects.none())
    day = forms.DateField()

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = Counter.objects.filter(site__in=sites)


class PresenceForm(forms.Form):
    """At the counter: an appointment of the viewer's files, and whether the person came (the service
    checks the answer)."""

    booking = forms.ModelChoiceField(queryset=Booking.objects.none())
    presence = forms.CharField(required=False)
    day = forms.DateField(required=False)  # the day shown, to come back to

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].queryset = bookings


class NotificationRetryForm(forms.Form):
    """A failed notification the viewer may send again: any other is not found."""

    notification = forms.ModelChoiceField(queryset=Notification.objects.none())

    def __init__(self, *args, notifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notification"].queryset = notifications


class TaskRetryForm(forms.Form):
    """A failed background task to put back in the queue (administrators)."""

    task = forms.CharField(max_length=32)
