from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "anef.transparency"
    label = "transparency"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Transparency"
