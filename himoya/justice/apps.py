from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "himoya.justice"
    label = "justice"
