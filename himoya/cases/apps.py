from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "himoya.cases"
    label = "cases"
