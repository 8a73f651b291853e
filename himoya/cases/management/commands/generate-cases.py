import time
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

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
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="keep secondary indexes during the load (default on PostgreSQL: drop them "
            "and rebuild them at the end, which is several times faster)",
        )

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

        defer = connection.vendor == "postgresql" and not opts["keep_indexes"]
        with bulk.deferred_indexes(stdout=self.stdout) if defer else nullcontext():
            written = bulk.generate(
                opts["count"],
                regs,
                seed=opts["seed"],
                batch_size=opts["batch_size"],
                source_prefix="",
                progress=progress,
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"{written:,} cases in {elapsed:.0f} s ({written / elapsed:,.0f}/s)")
        )
