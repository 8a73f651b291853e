"""`himoya new-field-key ID`: print a fresh key entry for HIMOYA_FIELD_KEY."""

from django.core.management.base import BaseCommand, CommandError

from himoya.crypto import keys


class Command(BaseCommand):
    help = (
        "Print a fresh random key entry `ID:key`. Put it first in HIMOYA_FIELD_KEY (keep the "
        "old keys after it), then run `himoya rotate-field-key`. Also fits HIMOYA_INDEX_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("key_id", help="a short name for the key, e.g. 2026-11")

    def handle(self, *args, key_id, **opts):
        try:
            self.stdout.write(keys.new_key_spec(key_id))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
