from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anef.core.errors import UserError

from .services import message_send


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)
    attachment = forms.FileField(
        label=_("Attach a file"),
        help_text=_("PDF, JPEG or PNG, 10 MB at most."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def send(self, *, application, actor) -> bool:
        """Validate and send through the service; a refusal becomes an error on the form."""
        if not self.is_valid():
            return False
        try:
            message_send(
                application_id=application.pk,
                actor=actor,
                body=self.cleaned_data["body"],
                uploaded=self.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            self.add_error("attachment", exc)
            return False
        except UserError as exc:
            self.add_error(None, exc.message)
            return False
        return True
