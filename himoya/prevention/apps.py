from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "himoya.prevention"
    label = "prevention"
