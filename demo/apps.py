from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data: the top layer, above every app whose demo data it loads."""

    name = "demo"
    verbose_name = "Demo data"
