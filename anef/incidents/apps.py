from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from .cache import forget_unclosed_incidents


class IncidentsConfig(AppConfig):
    name = "anef.incidents"
    label = "incidents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Incidents"

    def ready(self):
        # Every page's incident notice is cached: any change to an incident empties it.
        post_save.connect(forget_unclosed_incidents, sender="incidents.Incident", dispatch_uid="anef-incidents-cache")
        post_delete.connect(
            forget_unclosed_incidents, sender="incidents.Incident", dispatch_uid="anef-incidents-cache-delete"
        )
