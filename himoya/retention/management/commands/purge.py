"""`himoya purge`: apply the retention periods (run daily by deploy/himoya-purge.timer)."""

from django.core.management.base import BaseCommand

from himoya.retention.actions import periods, purge


class Command(BaseCommand):
    help = (
        "Anonymise closed cases and hotline contacts past their retention period, delete "
        "screenings that were not victims, expired uploads and old audit events; cases "
        "under a legal hold are kept whole. Writes the counts to the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count only; change nothing")

    def handle(self, *args, dry_run=False, **opts):
        days = ", ".join(f"{k} {v:g} d" if v else f"{k} kept" for k, v in periods().items())
        self.stdout.write(f"Retention periods: {days}.")
        report = purge(dry_run=dry_run)
        prefix = "Dry run, would do" if dry_run else "Purged"
        self.stdout.write(self.style.SUCCESS(f"{prefix}: {report.summary()}."))
