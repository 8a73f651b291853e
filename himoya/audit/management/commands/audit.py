"""`himoya audit verify`: check the audit log's hash chain."""

from django.core.management.base import BaseCommand, CommandError

from himoya.audit.actions import find_event_with_hash, verify_chain


class Command(BaseCommand):
    help = "Work with the audit log. `verify`: check the hash chain, name the first broken event."

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

    def handle(self, *args, subcommand, **opts):
        if subcommand == "verify":
            self.verify(opts.get("anchor") or [])

    def verify(self, anchors):
        report = verify_chain()
        if not report.ok:
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
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} events, head {report.head_hash}."
            )
        )
