from django.core.management.base import BaseCommand

from himoya.api import webhooks


class Command(BaseCommand):
    help = (
        "Emit overdue-referral and follow-up-due events, and retry deliveries whose wait is over."
    )

    def handle(self, *args, **options):
        emitted = webhooks.sweep()
        retried = webhooks.retry_due()
        self.stdout.write(f"{emitted} events emitted, {retried} deliveries retried")
