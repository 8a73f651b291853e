"""Time the check of one newly registered person against the register (rules scoring).

    DJANGO_SETTINGS_MODULE=himoya.settings python bench/registration_check.py [N]

Takes N persons of the register at random (default 200), runs
`registration.find_likely_matches` on each, and prints the median and 95th percentile.
Fill the register first: `himoya demo` then `himoya generate-cases --count …`.
"""

import random
import statistics
import sys
import time

import django

django.setup()

from himoya.cases.models import Person  # noqa: E402
from himoya.linkage import registration  # noqa: E402


def main(n: int) -> None:
    total = Person.objects.count()
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng = random.Random(13)
    ids = rng.sample(range(1, top + 1), min(n * 2, top))
    persons = list(Person.objects.filter(pk__in=ids)[:n])
    times, found = [], 0
    for person in persons:
        started = time.perf_counter()
        found += len(registration.find_likely_matches(person))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    median, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    print(
        f"register {total:,} persons; {len(times)} checks: median {median:.1f} ms,"
        f" p95 {p95:.1f} ms, {found} likely matches"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
