from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "himoya.publish"
    label = "publish"
