from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "himoya.assistance"
    label = "assistance"
