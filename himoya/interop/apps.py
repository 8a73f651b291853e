from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "himoya.interop"
    label = "interop"
