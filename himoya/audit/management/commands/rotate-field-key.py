"""`himoya rotate-field-key`: re-encrypt identity fields under the current field key."""

from django.core.management.base import BaseCommand, CommandError

from himoya.audit.actions import Action, record
from himoya.crypto import keys
from himoya.crypto.rotation import RotationError, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the current (first) key of HIMOYA_FIELD_KEY "
        "and refresh blind indexes (models' refresh_blind_indexes()). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count values under old keys; change nothing"
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run=False, batch_size=500, **opts):
        current = keys.current_key_id()
        try:
            reports = rotate(dry_run=dry_run, batch_size=max(1, batch_size))
        except RotationError as exc:
            raise CommandError(f"{exc}. Is the key that value names listed?") from exc
        if not reports:
            self.stdout.write("No model has encrypted fields.")
            return
        for r in reports:
            old = ", ".join(f"{kid}: {n}" for kid, n in sorted(r.old_values.items())) or "none"
            own = f", {r.rows_reindexed} rows re-indexed by the model" if r.rows_reindexed else ""
            if dry_run:
                self.stdout.write(
                    f"{r.label}: {r.rows} rows, {r.stale} values under old keys ({old}), "
                    f"{r.indexes_changed} blind indexes to refresh{own}"
                )
            else:
                self.stdout.write(
                    f"{r.label}: {r.rows} rows, {r.reencrypted} values re-encrypted "
                    f"under key {current} (were {old}), {r.indexes_changed} blind indexes "
                    f"refreshed{own}"
                )
        values = sum(r.reencrypted for r in reports)
        changed = sum(r.indexes_changed for r in reports)
        reindexed = sum(r.rows_reindexed for r in reports)
        if dry_run:
            stale = sum(r.stale for r in reports)
            self.stdout.write(f"Dry run: {stale} values under old keys; nothing changed.")
            return
        summary = (
            f"{values} values re-encrypted under key {current}, {changed} blind indexes "
            f"refreshed, {reindexed} rows re-indexed by their model"
        )
        if values or changed:
            record(
                Action.UPDATE,
                object_type="crypto.field_key",
                object_id=current,
                detail=f"rotate-field-key: {summary}",
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))
