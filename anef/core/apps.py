from django.apps import AppConfig, apps
from django.conf import settings

from .display import speed_up_choice_labels
from .error_reporting import error_reporting_init
from .signing import require_keys


class CoreConfig(AppConfig):
    name = "anef.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        error_reporting_init(
            dsn=settings.ANEF_SENTRY_DSN, environment=settings.ANEF_ENVIRONMENT, release=settings.ANEF_RELEASE
        )
        # Where keys are never created (production), no start without the shared signing keys.
        if not settings.ANEF_SIGNING_KEYS_CREATE:
            require_keys()
        # Tasks that failed because the database went away are delivered again (see the receiver).
        from django_q.signals import post_execute_in_worker

        from .tasks import retry_tasks_interrupted_by_the_database

        post_execute_in_worker.connect(retry_tasks_interrupted_by_the_database, dispatch_uid="anef-db-retry")
        # Session clocks (idle and absolute limits) start at each sign-in.
        from django.contrib.auth.signals import user_logged_in

        from .sessions import start_clocks_on_login

        user_logged_in.connect(start_clocks_on_login, dispatch_uid="anef-session-clocks")
        # Choice labels translated once per language, not at every get_FOO_display() (anef/core/display.py).
        speed_up_choice_labels(apps.get_models())
