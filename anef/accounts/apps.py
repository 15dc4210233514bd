from django.apps import AppConfig
from django.utils.functional import lazy
from django.utils.safestring import SafeString


def _password_rules_html(password_validators=None) -> str:
    """Django's password rules as sentences: its own `<ul>` lands in django-dsfr's hint, a `<span>` inside
    the `<label>`, where a list is invalid HTML (the W3C checker's error on every password form)."""
    from django.contrib.auth import password_validation
    from django.utils.html import format_html_join

    texts = password_validation.password_validators_help_texts(password_validators)
    return format_html_join(" ", "{}", ((text,) for text in texts))


# Lazy: allauth's SetPasswordField asks for the rules when its class is defined, at import time; the
# words must be those of the page's reader, found when the page is rendered.
password_rules_as_text = lazy(_password_rules_html, SafeString)


class AccountsConfig(AppConfig):
    name = "anef.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import password_validation

        # allauth's password fields ask Django for the rules' HTML when each form is built.
        password_validation.password_validators_help_text_html = password_rules_as_text
