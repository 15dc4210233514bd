from django.apps import AppConfig


class HelperspaceConfig(AppConfig):
    name = "anef.helperspace"
    label = "helperspace"
    default_auto_field = "django.db.models.BigAutoField"
