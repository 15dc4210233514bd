from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anef.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A retention period below its floor (or not a number) stops the start-up, with a clear message.
        from .retention import validate_retention_days

        validate_retention_days()
