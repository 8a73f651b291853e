from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from himoya.access import policy, roles
from himoya.interop.actions import FORMATS, do_import
from himoya.interop.results import FileLayoutError, ForeignDataError
from himoya.interop.tabular import NotDataError
from himoya.interop.validation import describe
from himoya.organisations.models import Organisation, User


class Command(BaseCommand):
    help = "Import HTCDS, CTDC or XLSForm data as cases of an organisation."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=FORMATS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="slug of the organisation")
        parser.add_argument("--user", help="who imports (needs the import permission there)")
        parser.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the good rows, report the rest"
        )

    def handle(self, *args, **opts):
        org = Organisation.objects.filter(slug=opts["org"], is_active=True).first()
        if org is None:
            raise CommandError(_("No active organisation %(slug)s.") % {"slug": opts["org"]})
        if not opts["file"].is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": opts["file"]})
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"], is_active=True).first()
            if user is None or not policy.has_perm(user, roles.IMPORT_DATA, org):
                raise CommandError(_("This user may not import data into this organisation."))
        try:
            result = do_import(
                org,
                opts["file"],
                opts["format"],
                acting_user=user,
                dry_run=opts["dry_run"],
                skip_invalid=opts["skip_invalid"],
                progress=lambda done, total=None, message="": None,
            )
        except NotDataError as exc:
            raise CommandError(str(exc)) from exc
        except FileLayoutError as exc:
            raise CommandError(
                _("The file is not in the %(format)s layout.") % {"format": exc}
            ) from exc
        except ForeignDataError as exc:
            raise CommandError(
                _(
                    "Only %(n)s of the %(rows)s records concern %(country)s: this is global or "
                    "foreign data, not cases of an organisation. Nothing was imported. Load it "
                    "as reference data instead: himoya reference load ctdc %(file)s"
                )
                % {
                    "n": exc.concerning,
                    "rows": exc.rows,
                    "country": exc.country,
                    "file": opts["file"],
                }
            ) from exc
        for problem in map(describe, result["errors"]):
            self.stdout.write(
                _("row %(row)s, %(field)s: %(message)s")
                % {"row": problem["row"], "field": problem["field"], "message": problem["message"]}
            )
        if result["problems"] > len(result["errors"]):
            self.stdout.write(
                _("… and %(n)s more problems.") % {"n": result["problems"] - len(result["errors"])}
            )
        self.stdout.write(outcome(result))
        if result["invalid_rows"] and not opts["skip_invalid"]:
            raise CommandError(_("Nothing was imported: fix the rows above or use --skip-invalid."))


def outcome(result: dict) -> str:
    if result["dry_run"]:
        head = _("Dry run: nothing was changed.")
    elif result["imported"]:
        head = _("Imported.")
    else:
        head = _("Nothing was imported.")
    counts = _(
        "%(rows)s rows: %(valid)s valid, %(invalid)s with problems; %(new)s new, "
        "%(already)s imported before; %(created)s cases created."
    ) % {
        "rows": result["rows"],
        "valid": result["valid"],
        "invalid": result["invalid_rows"],
        "new": result["new"],
        "already": result["already_imported"],
        "created": result["created"],
    }
    lines = [head, counts]
    if result.get("consents"):
        lines.append(_("Consent decisions recorded: %(n)s") % {"n": result["consents"]})
    if result.get("kept_as_source"):
        lines.append(
            _("Kept with the cases as source fields (exported again): %(f)s")
            % {"f": ", ".join(result["kept_as_source"])}
        )
    if result["ignored_columns"]:
        lines.append(
            _("Unknown columns, ignored: %(c)s") % {"c": ", ".join(result["ignored_columns"])}
        )
    return "\n".join(lines)
