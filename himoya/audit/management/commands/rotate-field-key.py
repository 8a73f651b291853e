"""`himoya rotate-field-key`: re-encrypt identity fields under the current field key."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from himoya.audit.actions import Action, record
from himoya.crypto import keyring, keys
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
        parser.add_argument(
            "--force",
            action="store_true",
            help="rotate even though a process seen lately does not read the new key",
        )

    def handle(self, *args, dry_run=False, batch_size=500, force=False, **opts):
        current = keys.current_key_id()
        # Write under the new key only once every process can read it: a process still on
        # the old key list would fail on every value rewritten (issue 14).
        missing = keyring.processes_missing(current)
        if missing and not dry_run and not force:
            raise CommandError(
                f"These processes, seen in the last {settings.HIMOYA_KEYRING_WINDOW_SECONDS} s, "
                f"cannot read key {current}: {', '.join(missing)}. Give every web and worker "
                "process the new HIMOYA_FIELD_KEY list and restart it, then run this again "
                "(--force only if those processes are gone)."
            )
        if missing:
            self.stdout.write(f"Processes that cannot read key {current}: {', '.join(missing)}")
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
