from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "anef.incidents"
    label = "incidents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Incidents"
