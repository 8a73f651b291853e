from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "himoya.core"
    label = "core"

    def ready(self):
        from himoya.core import checks  # noqa: F401  (registers the deployment checks)
