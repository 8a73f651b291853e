from django.apps import AppConfig


class VocabConfig(AppConfig):
    name = "himoya.vocab"
    label = "vocab"
