from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from himoya.assistance import demo as assistance_demo
from himoya.cases import demo as cases_demo
from himoya.justice import demo as justice_demo
from himoya.organisations import demo as organisations_demo
from himoya.prevention import demo as prevention_demo
from himoya.referrals import demo as referrals_demo
from himoya.screening import demo as screening_demo

# Each app that has demo data adds its `populate(ctx)` here, in dependency order.
POPULATORS = [
    organisations_demo.populate,
    cases_demo.populate,
    screening_demo.populate,
    referrals_demo.populate,
    assistance_demo.populate,
    justice_demo.populate,
    prevention_demo.populate,
]


class Command(BaseCommand):
    help = "Create a realistic synthetic data set and one sign-in per role."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3000, help="number of cases to create")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **opts):
        if not (settings.DEBUG or settings.TESTING):
            # The demo creates a system admin with a published password.
            raise CommandError(
                "The demo runs only in development mode (HIMOYA_DEBUG=1): it creates "
                "accounts with a published password."
            )
        translation.activate("en")
        ctx = {"cases": opts["cases"], "seed": opts["seed"], "stdout": self.stdout}
        for populate in POPULATORS:
            populate(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/"))
        self.stdout.write(f"Password for every demo user: {organisations_demo.DEMO_PASSWORD}")
        logins = [(u, str(r), o) for u, o, r in ctx["logins"]]
        wide = max((len(r) for _, r, _ in logins), default=0)
        for username, role, org in logins:
            self.stdout.write(f"  {username:<15} {role:<{wide}} {org}")
