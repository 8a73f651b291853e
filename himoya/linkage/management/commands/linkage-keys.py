import csv
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from himoya.linkage import clk
from himoya.organisations.models import Organisation, User


class Command(BaseCommand):
    help = (
        "Export the register's persons as linkage keys (CLK) under HIMOYA_LINKAGE_SECRET, "
        "or match two key files without exchanging names."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the persons' keys to a file")
        export.add_argument("--out", type=Path, required=True, help="key file to write")
        export.add_argument("--organisation", help="slug: only this organisation's persons")
        export.add_argument("--user", required=True, help="who exports (audited)")
        match = sub.add_parser("match", help="match two key files and list the pairs")
        match.add_argument("a", type=Path, help="first key file")
        match.add_argument("b", type=Path, help="second key file")
        match.add_argument(
            "--threshold",
            type=float,
            default=clk.DEFAULT_THRESHOLD,
            help="least Dice coefficient of a pair (default %(default)s)",
        )
        match.add_argument("--out", type=Path, help="write the pairs as CSV here")

    def handle(self, *args, **opts):
        try:
            secret = clk.linkage_secret()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if opts["action"] == "export":
            self.export(opts)
        else:
            self.match(opts, secret)

    def export(self, opts) -> None:
        organisation = None
        if opts["organisation"]:
            organisation = Organisation.objects.filter(
                slug=opts["organisation"], is_active=True
            ).first()
            if organisation is None:
                raise CommandError(
                    _("No active organisation %(slug)s.") % {"slug": opts["organisation"]}
                )
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None or not clk.may_export_keys(user, organisation):
            raise CommandError(_("This user may not export linkage keys."))
        try:
            result = clk.do_export_keys(opts["out"], organisation=organisation, acting_user=user)
        except PermissionDenied as exc:
            raise CommandError(_("This user may not export linkage keys.")) from exc
        except OSError as exc:
            raise CommandError(_("Cannot write %(path)s.") % {"path": opts["out"]}) from exc
        self.stdout.write(
            _("%(count)s linkage keys written to %(path)s (export %(export)s).")
            % {"count": result.count, "path": opts["out"], "export": result.export_id}
        )
        if result.skipped:
            self.stdout.write(
                _("%(count)s persons without a given name and a family name were left out.")
                % {"count": result.skipped}
            )

    def match(self, opts, secret: str) -> None:
        if not 0 < opts["threshold"] <= 1:
            raise CommandError(_("The threshold is a number above 0 and at most 1."))
        files = []
        for path in (opts["a"], opts["b"]):
            try:
                files.append(clk.read_key_file(path, secret))
            except clk.KeyFileError as exc:
                raise CommandError(
                    _("%(path)s is refused: %(reason)s") % {"path": path, "reason": exc}
                ) from exc
        try:
            pairs = clk.match(files[0], files[1], opts["threshold"])
        except clk.KeyFileError as exc:
            raise CommandError(str(exc)) from exc
        if opts["out"]:
            with open(opts["out"], "w", newline="", encoding="utf-8") as stream:
                self.write_pairs(stream, pairs)
            self.stdout.write(
                _("%(count)s pairs written to %(path)s.")
                % {"count": len(pairs), "path": opts["out"]}
            )
        else:
            self.write_pairs(self.stdout, pairs)
        self.stderr.write(
            _("%(pairs)s pairs at or above %(threshold)s among %(a)s × %(b)s keys.")
            % {
                "pairs": len(pairs),
                "threshold": opts["threshold"],
                "a": len(files[0].ids),
                "b": len(files[1].ids),
            }
        )

    @staticmethod
    def write_pairs(stream, pairs) -> None:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["a", "b", "score"])
        for pair in pairs:
            writer.writerow([pair.a, pair.b, f"{pair.score:.4f}"])
