from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "himoya.backups"
    label = "backups"
    verbose_name = "Backups"
