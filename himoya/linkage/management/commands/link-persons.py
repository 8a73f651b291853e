from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from himoya.access import policy, roles
from himoya.cases.models import Case
from himoya.linkage import actions
from himoya.organisations.models import User


class Command(BaseCommand):
    help = "Link the persons of these cases (by reference) into one national person, or unlink."

    def add_arguments(self, parser):
        parser.add_argument("references", nargs="+", help="case references, e.g. MAD-2026-00042")
        parser.add_argument("--unlink", action="store_true", help="take each out of its link")
        parser.add_argument("--user", required=True, help="the linkage officer deciding")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None or not policy.has_perm(user, roles.LINK_PERSONS):
            raise CommandError(_("Only an active national linkage officer decides links."))
        cases = list(Case.objects.filter(reference__in=opts["references"]).select_related("person"))
        if len(cases) != len(set(opts["references"])):
            raise CommandError(_("Some references name no case."))
        try:
            if opts["unlink"]:
                for case in cases:
                    actions.do_unlink_person(case.person, acting_user=user)
            else:
                national = actions.do_link_persons([c.person for c in cases], acting_user=user)
                self.stdout.write(_("Linked as national person %(id)s.") % {"id": national})
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
