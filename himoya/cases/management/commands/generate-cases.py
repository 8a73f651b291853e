import time

from django.core.management.base import BaseCommand, CommandError

from himoya.cases import bulk
from himoya.cases.demo import registrars
from himoya.organisations.models import Organisation


class Command(BaseCommand):
    help = "Write many synthetic cases (for benchmarks); COPY on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1_000_000)
        parser.add_argument("--org", help="slug of the one organisation to register them")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=20_000)

    def handle(self, *args, **opts):
        if opts["org"]:
            orgs = {o.slug: o for o in Organisation.objects.filter(slug=opts["org"])}
            if not orgs:
                raise CommandError(f"No organisation {opts['org']!r}.")
            regs = bulk.registrars_for(list(orgs.values()), {})
        else:
            regs = registrars({o.slug: o for o in Organisation.objects.all()})
        if not regs:
            raise CommandError("No organisation to register cases; run `himoya demo` first.")
        started = time.perf_counter()

        def progress(done):
            rate = done / (time.perf_counter() - started)
            self.stdout.write(f"{done:>10,} cases  {rate:,.0f}/s")

        written = bulk.generate(
            opts["count"],
            regs,
            seed=opts["seed"],
            batch_size=opts["batch_size"],
            source_prefix=f"generated-{opts['seed']}",
            progress=progress,
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"{written:,} cases in {elapsed:.0f} s ({written / elapsed:,.0f}/s)")
        )
