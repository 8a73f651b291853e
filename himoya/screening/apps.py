from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "himoya.screening"
    label = "screening"
