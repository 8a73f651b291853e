from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "himoya.stats"
    label = "stats"
