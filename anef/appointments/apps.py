from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "anef.appointments"
    label = "appointments"
    default_auto_field = "django.db.models.BigAutoField"
