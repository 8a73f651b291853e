from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "himoya.linkage"
    label = "linkage"
