from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from himoya.access import policy, roles
from himoya.interop.actions import FORMATS, do_export
from himoya.organisations.models import Organisation, User


class Command(BaseCommand):
    help = "Export an organisation's cases as HTCDS, CTDC or XLSForm data."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=FORMATS)
        parser.add_argument("out", type=Path, help="file to write (.xlsx, .csv, .feather, .zip)")
        parser.add_argument("--org", required=True, help="slug of the organisation")
        parser.add_argument(
            "--user",
            help="who exports; identity fields are written only if this user may see them",
        )

    def handle(self, *args, **opts):
        org = Organisation.objects.filter(slug=opts["org"], is_active=True).first()
        if org is None:
            raise CommandError(_("No active organisation %(slug)s.") % {"slug": opts["org"]})
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"], is_active=True).first()
            if user is None or not policy.has_perm(user, roles.EXPORT_DATA, org):
                raise CommandError(_("This user may not export data of this organisation."))
        count = do_export(org, opts["format"], opts["out"], acting_user=user)
        self.stdout.write(_("%(n)s cases written to %(path)s.") % {"n": count, "path": opts["out"]})
