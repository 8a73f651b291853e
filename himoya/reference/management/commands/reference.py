import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from himoya.organisations.models import User
from himoya.reference.load import load_ctdc


class Command(BaseCommand):
    help = "Load a global or foreign data set into the reference area (never into cases)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("load", help="load a data set")
        load.add_argument("kind", choices=["ctdc"])
        load.add_argument("file", type=Path)
        load.add_argument("--name", help="how the data set is called on the pages")
        load.add_argument("--source-date", help="date of the data set, YYYY-MM-DD")
        load.add_argument("--user", help="who loads it (for the audit log)")

    def handle(self, *args, **opts):
        path = opts["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = User.objects.filter(username=opts["user"]).first() if opts["user"] else None
        when = None
        if opts["source_date"]:
            try:
                when = datetime.date.fromisoformat(opts["source_date"])
            except ValueError as exc:
                raise CommandError(_("Give the date as YYYY-MM-DD.")) from exc
        try:
            dataset = load_ctdc(
                path, name=opts["name"] or path.stem, source_date=when, acting_user=user
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("Loaded %(n)s records as reference data “%(name)s”.")
            % {"n": f"{dataset.records:,}", "name": dataset.name}
        )
