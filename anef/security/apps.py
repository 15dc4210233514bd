from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "anef.security"
    label = "security"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        signals.connect()
