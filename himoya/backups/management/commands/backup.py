"""`himoya backup`: write an encrypted, verified backup (database and private files)."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from himoya.backups.archive import BackupError, make_backup, old_backups, verify_backup


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (pg_dump streamed into encryption under the field key, "
        "plus the private files) to HIMOYA_BACKUP_DIR, read it back to verify it, and "
        "delete backups older than HIMOYA_BACKUP_KEEP_DAYS. `--verify DIR` only checks one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, help="folder for the backup (HIMOYA_BACKUP_DIR)")
        parser.add_argument("--verify", type=Path, metavar="DIR", help="check this backup")
        parser.add_argument(
            "--keep-days",
            type=float,
            default=None,
            help="delete older backups in the folder (HIMOYA_BACKUP_KEEP_DAYS; 0 keeps all)",
        )

    def handle(self, *args, to=None, verify=None, keep_days=None, **opts):
        try:
            if verify:
                manifest = verify_backup(verify)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Backup {verify} verified: dump and {manifest['files']['count']} "
                        f"files decrypt and read to the end (made {manifest['created']})."
                    )
                )
                return
            backup = make_backup(to)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = backup.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written and verified: {backup.folder} (database "
                f"{m['database']['bytes']} bytes, {m['files']['count']} files, field key "
                f"{m['field_key_id']})."
            )
        )
        keep = settings.HIMOYA_BACKUP_KEEP_DAYS if keep_days is None else keep_days
        if keep > 0:
            for folder in old_backups(backup.folder.parent, keep):
                shutil.rmtree(folder)
                self.stdout.write(f"Deleted {folder.name} (older than {keep:g} days).")
