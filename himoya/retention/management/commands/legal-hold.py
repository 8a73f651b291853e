"""`himoya legal-hold place|lift|list`: suspend retention for a case."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from himoya.retention.actions import RetentionError, do_lift_legal_hold, do_place_legal_hold
from himoya.retention.models import LegalHold


class Command(BaseCommand):
    help = "Place or lift a legal hold on a case (by organisation code and case reference)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name in ("place", "lift"):
            p = sub.add_parser(name)
            p.add_argument("reference", help="the case reference")
            p.add_argument("--by", required=True, help="user name of who decides it")
            if name == "place":
                p.add_argument("--reason", required=True)
        sub.add_parser("list", help="the holds in force")

    def handle(self, *args, subcommand, **opts):
        from himoya.cases.models import Case

        if subcommand == "list":
            for hold in LegalHold.objects.active().select_related("case"):
                self.stdout.write(
                    f"{hold.case.reference}\t{hold.placed_at:%Y-%m-%d}\t{hold.reason}"
                )
            return
        user = get_user_model().objects.filter(username=opts["by"]).first()
        if user is None:
            raise CommandError(f"No user {opts['by']!r}.")
        cases = list(Case.objects.filter(reference=opts["reference"]))
        if len(cases) != 1:
            raise CommandError(f"{len(cases)} cases have reference {opts['reference']!r}.")
        try:
            if subcommand == "place":
                do_place_legal_hold(cases[0], opts["reason"], acting_user=user)
            else:
                hold = LegalHold.objects.active().filter(case=cases[0]).first()
                if hold is None:
                    raise CommandError("The case is under no legal hold.")
                do_lift_legal_hold(hold, acting_user=user)
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Legal hold {'placed' if subcommand == 'place' else 'lifted'}: "
                f"{opts['reference']}."
            )
        )
