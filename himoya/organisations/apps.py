from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "himoya.organisations"
    label = "organisations"
