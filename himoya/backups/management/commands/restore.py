"""`himoya restore DIR`: bring a backup back into an empty database and private folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from himoya.backups.archive import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `himoya backup` into the configured database, which "
        "must be new and empty (createdb, no migrate), and an empty HIMOYA_PRIVATE_ROOT. "
        "Needs the field keys and the audit key the backup was made under."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="the backup folder (himoya-…)")

    def handle(self, *args, folder, **opts):
        try:
            done = restore_backup(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {folder.name} (made {done['created']}): database and "
                f"{done['restored_files']} files. Next: grant the application role its "
                "rights (deploy/postgres-roles.sql), then `himoya audit verify`."
            )
        )
