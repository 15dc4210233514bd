from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`, `bootstrap --demo`) and the demo's second-factor codes
    (`manage.py demo_totp`). Above every other app: nothing in the product imports it."""

    name = "anef.demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"
