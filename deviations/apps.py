from django.apps import AppConfig


class DeviationsConfig(AppConfig):
    name = "deviations"
