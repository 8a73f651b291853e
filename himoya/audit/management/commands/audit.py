"""`himoya audit verify|checkpoint|rechain`: check, anchor and re-key the audit chain."""

from django.core.management.base import BaseCommand, CommandError

from himoya.audit import keys
from himoya.audit.actions import find_event_with_hash, verify_chain
from himoya.audit.chain import RechainError, rechain
from himoya.audit.checkpoints import write_checkpoint
from himoya.audit.models import AuditEvent, AuditHead


class Command(BaseCommand):
    help = (
        "Work with the audit log. `verify`: check the keyed hash chain and compare it with "
        "the signed checkpoints; `checkpoint`: write a signed checkpoint outside the "
        "database; `rechain`: re-key events written before the chain was keyed."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser(
            "verify", help="check the hash chain; exit 1 naming the first broken event"
        )
        verify.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="HASH",
            help="a head hash noted down earlier (printed by this command) that must still "
            "be in the chain; catches a history rewritten from the start",
        )
        checkpoint = sub.add_parser(
            "checkpoint",
            help="write a signed checkpoint (count, last id, last hash, time) to "
            "HIMOYA_AUDIT_CHECKPOINT_DIR",
        )
        checkpoint.add_argument(
            "--public-key",
            action="store_true",
            help="print the checkpoints' Ed25519 public key instead (to check them elsewhere)",
        )
        sub.add_parser(
            "rechain",
            help="re-key every event under HIMOYA_AUDIT_KEY after checking the old chain "
            "(run as the database owner)",
        )

    def handle(self, *args, subcommand, **opts):
        if subcommand == "verify":
            self.verify(opts.get("anchor") or [])
        elif subcommand == "checkpoint":
            if opts.get("public_key"):
                self.stdout.write(keys.public_key())
                return
            try:
                cp = write_checkpoint()
            except OSError as exc:
                raise CommandError(
                    f"Cannot write to HIMOYA_AUDIT_CHECKPOINT_DIR: {exc.strerror} ({exc.filename})."
                ) from exc
            self.stdout.write(
                f"Checkpoint written: {cp.path} ({cp.count} events, last #{cp.last_id})."
            )
        elif subcommand == "rechain":
            try:
                done = rechain(AuditEvent, AuditHead)
            except RechainError as exc:
                raise CommandError(str(exc)) from exc
            cp = write_checkpoint()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Re-keyed {done['events']} events (unkeyed head was {done['old_head']}); "
                    f"new head {done['new_head']}; checkpoint {cp.path.name}."
                )
            )

    def verify(self, anchors):
        report = verify_chain()
        if not report.ok:
            if report.against_checkpoint:
                raise CommandError(f"Audit log does not match its checkpoints: {report.reason}.")
            where = (
                f"event #{report.broken_id}"
                if report.broken_id is not None
                else f"after event #{report.last_good_id}"
                if report.last_good_id is not None
                else "at the start"
            )
            good = f" ({report.checked} events before it hold)" if report.checked else ""
            raise CommandError(f"Audit chain broken at {where}: {report.reason}{good}.")
        for anchor in anchors:
            if find_event_with_hash(anchor.strip().lower()) is None:
                raise CommandError(f"Audit chain does not contain anchor {anchor}: rewritten?")
        against = (
            f"; matches {report.checkpoints} signed checkpoints, latest {report.latest_checkpoint}"
            if report.checkpoints
            else "; no signed checkpoint to compare with yet"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} events, head {report.head_hash}{against}."
            )
        )
