from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """The retention policy (periods and their floors) and the daily sweep that applies it."""

    name = "anef.retention"
    label = "retention"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A retention period below its floor (or not a number) stops the start-up, with a clear message.
        from anef.applications.retention import validate_retention_days

        validate_retention_days()
