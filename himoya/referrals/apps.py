from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "himoya.referrals"
    label = "referrals"
