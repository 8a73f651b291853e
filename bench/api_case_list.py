"""How fast is the API's case list at 1,000,000 cases, against the same page in the browser?

Fills a benchmark database (default `himoya_bench_api`) with synthetic cases through the
same writer as bench/case_list.py (`himoya.cases.bulk.generate`) if it has fewer than
--count, then, for each filter combination of the case list that the API takes as query
parameters (names are searched on the page only: a name never goes into a URL), times:

- the API: `GET /api/v1/cases/?…` with a personal access token, and
- the page: `GET /cases/?…` signed in as the same person.

The baseline is fair: the same person (a caseworker of one organisation, the one the token
is issued in, so both see the same cases), the same filters, the same database and process,
measured in the same run, interleaved request by request. Both go through Django's test
client; the API's figure includes writing its audit row for the token's use.

    .venv/bin/python bench/api_case_list.py [--count 1000000] [--requests 25]

Not part of the test suite.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

import case_list
from _common import (  # bench/ is on the path: scripts run from it
    PG,
    ROOT,
    ensure_database,
    fill_cases,
)

# The page's filter combinations that the API takes as query parameters: a name never goes
# into a URL, and the API pages by cursor within the token's one organisation.
SCENARIOS = [
    (name, params)
    for name, params in case_list.SCENARIOS
    if not {"q", "organisation", "page"} & set(params)
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--db", default="himoya_bench_api")
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--organisation", default="madad")
    args = parser.parse_args()

    ensure_database(args.db)
    os.environ["DATABASE_URL"] = PG + args.db
    os.environ["HIMOYA_TESTING"] = "1"  # development keys, DEBUG off
    os.environ["DJANGO_SETTINGS_MODULE"] = "himoya.settings"
    os.environ.setdefault("HIMOYA_API_RATE", "100000/min")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from conftest import sign_in
    from himoya.access.roles import Role
    from himoya.api.actions import do_issue_token
    from himoya.cases import codes
    from himoya.cases.models import Case
    from himoya.organisations.models import Membership, User

    ctx = fill_cases(args.count)
    org = ctx["organisations"][args.organisation]
    user, _ = User.objects.get_or_create(username="bench-api-caseworker")
    Membership.objects.get_or_create(user=user, organisation=org, role=Role.CASEWORKER)
    admin, _ = User.objects.get_or_create(username="bench-api-admin")
    Membership.objects.get_or_create(user=admin, organisation=org, role=Role.ORG_ADMIN)
    _token, raw = do_issue_token(
        org,
        name="bench",
        access="read",
        parts=["cases"],
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
        member=user,
        acting_user=admin,
    )
    page_client, api_client = sign_in(Client(), user), Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    in_scope = Case.objects.filter(organisation=org).count()
    print(f"API case list against the page, median of {args.requests} requests each, "
          f"{Case.objects.count():,} cases ({in_scope:,} in the organisation's scope)")  # fmt: skip
    print(f"{'filters':<36}{'rows':>5}{'page ms':>9}{'API ms':>8}{'API p90':>9}{'API/page':>10}")
    ratios, api_medians = [], []
    for name, params in SCENARIOS:
        special = {"age-of-15": codes.age_group_for(15)}
        params = {k: special.get(v, v) for k, v in params.items()}
        page_times, api_times = [], []
        for i in range(args.requests + 2):
            t0 = time.perf_counter()
            page = page_client.get("/cases/", params)
            t1 = time.perf_counter()
            api = api_client.get("/api/v1/cases/", params, **auth)
            t2 = time.perf_counter()
            assert page.status_code == 200 and api.status_code == 200, (page, api.content[:200])
            if i >= 2:  # the first two warm the caches
                page_times.append(t1 - t0)
                api_times.append(t2 - t1)
        rows = len(api.json()["results"])
        assert rows == page.content.count(b'<td><a href="/cases/'), name
        p, a = statistics.median(page_times) * 1000, statistics.median(api_times) * 1000
        p90 = sorted(api_times)[int(len(api_times) * 0.9) - 1] * 1000
        ratios.append(a / p)
        api_medians.append(a)
        print(f"{name:<36}{rows:>5}{p:>9.1f}{a:>8.1f}{p90:>9.0f}{a / p:>10.2f}")
    print(
        f"worst API/page ratio {max(ratios):.2f} (target <= 1.2); "
        f"slowest API median {max(api_medians):.1f} ms (target < 150 ms)"
    )


if __name__ == "__main__":
    main()
