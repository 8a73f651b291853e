import time

from django.core.management.base import BaseCommand

from himoya.cases.models import sync_copied_codes


class Command(BaseCommand):
    help = (
        "Copy every case's exploitation types and labour sectors from CaseCode onto the case "
        "row (run after a bulk import that wrote CaseCode rows without those copies)."
    )

    def handle(self, *args, **opts):
        started = time.perf_counter()
        sync_copied_codes()
        self.stdout.write(f"done in {time.perf_counter() - started:.1f} s")
