import time

from django.core.management.base import BaseCommand

from himoya.cases.models import sync_copied_codes, sync_shared_persons


class Command(BaseCommand):
    help = (
        "Copy every case's exploitation types and labour sectors from CaseCode onto the case "
        "row, and mark the cases of persons with several cases (run after a bulk write that "
        "went around the models)."
    )

    def handle(self, *args, **opts):
        started = time.perf_counter()
        sync_copied_codes()
        marked = sync_shared_persons()
        if marked:
            self.stdout.write(f"marked {marked} cases of persons with several cases")
        self.stdout.write(f"done in {time.perf_counter() - started:.1f} s")
