"""Load: signed-in caseworkers against gunicorn in production settings, and the floor.

Fills a benchmark database (default `himoya_bench_load`) with the demo organisations and
--cases synthetic cases (once; later runs reuse it), signs in --users caseworkers of one
organisation (password and TOTP, as production demands), starts gunicorn on a loopback
port with the production settings (development mode off, static files collected, Argon2,
the TLS proxy simulated by X-Forwarded-Proto), and drives it with locust for --seconds per
phase, at each user count (default 50 and 100):

- caseworkers: the case list, a case page, a name search (posted, then its result page),
  with 0.5 s of think time between requests;
- the floor: the same users, signed in the same way, asking for a minimal signed-in page
  of the same server (the password-change-done page: the base template, the navigation,
  every middleware, the session and the user, and nothing else).

The floor is the fair baseline: the same server, processes, database, users, think time
and load generator, measured in the same run; the only difference is what the page does.
The ratio caseworker throughput / floor throughput is printed per user count (target:
at least 0.5), with each phase's p50 and p95 (target at 50 users: p95 < 300 ms).

    pip install locust==2.47.0     # the load generator (benchmarks only, not a dependency)
    python bench/load.py [--users 50 100] [--seconds 30] [--workers 3] [--cases 20000]

Bounded (fixed duration, fixed users) and loopback only. Not part of the test suite.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (  # bench/ is on the path: scripts run from it
    PG,
    ROOT,
    ensure_database,
    fill_cases,
)

PASSWORD = "bench-load-password-7"
NAMES = ["Джамшед", "Саид", "Мадина", "Фарангис", "Rahimov", "Нозим", "Зарина"]


def _bench_key(kid: str) -> str:
    # A fixed key so that a reused benchmark database stays readable; bench data only.
    raw = hashlib.sha256(f"himoya-bench-load-{kid}".encode()).digest()
    return f"{kid}:{base64.urlsafe_b64encode(raw).decode().rstrip('=')}"


def production_env(db: str, static_root: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIMOYA_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="himoya.settings",
        DATABASE_URL=PG + db,
        HIMOYA_SECRET_KEY="bench-load-" + "s" * 50,
        HIMOYA_FIELD_KEY=_bench_key("benchfield"),
        HIMOYA_INDEX_KEY=_bench_key("benchindex"),
        HIMOYA_AUDIT_KEY=_bench_key("benchaudit"),
        HIMOYA_AUDIT_CHECKPOINT_DIR=str(Path(static_root).parent / "audit-checkpoints"),
        HIMOYA_ALLOWED_HOSTS="127.0.0.1",
        HIMOYA_STATIC_ROOT=static_root,
        HIMOYA_DB_CONN_MAX_AGE=os.environ.get("HIMOYA_DB_CONN_MAX_AGE", "60"),
    )
    return env


def prepare(users: int, cases: int) -> dict:
    """Fill the database once and return the sign-ins and case ids (runs in a child)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from himoya.access.roles import Role
    from himoya.cases.models import Case
    from himoya.organisations.models import Membership, User

    ctx = fill_cases(cases)
    madad = ctx["organisations"]["madad"]
    accounts = []
    for n in range(users):
        user, created = User.objects.get_or_create(username=f"bench-cw-{n}")
        if created:
            user.set_password(PASSWORD)
            user.save()
            Membership.objects.create(user=user, organisation=madad, role=Role.CASEWORKER)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
        accounts.append({"username": user.username, "key": device.key})
    ids = list(Case.objects.filter(organisation=madad).values_list("pk", flat=True)[:2000])
    return {"accounts": accounts, "case_ids": ids}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


JARS: dict = {}  # username -> cookies: each account signs in once, for every phase
READY: set = set()  # usernames through both factors


def run_phase(base: str, data: dict, users: int, seconds: float, floor: bool) -> dict:
    """Run one locust phase in this process and return throughput and percentiles."""
    import gevent
    from locust import HttpUser, constant, task
    from locust.env import Environment
    from locust.stats import StatsEntry

    accounts = iter(list(data["accounts"]))
    case_ids = data["case_ids"]

    class Caseworker(HttpUser):
        host = base
        wait_time = constant(0.5)

        def _headers(self, path: str) -> dict:
            # The TLS proxy's header; cookies by hand, since they are Secure (https only).
            cookie = "; ".join(f"{k}={v}" for k, v in self.jar.items())
            return {
                "X-Forwarded-Proto": "https",
                "Referer": base.replace("http://", "https://") + path,
                "Cookie": cookie,
            }

        def _send(self, method: str, path: str, name: str, **kwargs):
            response = self.client.request(
                method, path, name=name, headers=self._headers(path), allow_redirects=False,
                **kwargs,
            )  # fmt: skip
            for header in response.raw.headers.getlist("Set-Cookie"):
                key, _, rest = header.partition("=")
                self.jar[key] = rest.split(";")[0]
            return response

        def _post_form(self, path: str, name: str, fields: dict):
            page = self._send("GET", path, name + " (form)").text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            return self._send("POST", path, name, data={"csrfmiddlewaretoken": token, **fields})

        def on_start(self):
            from django_otp.oath import totp

            account = next(accounts)
            if account["username"] in JARS:
                self.jar = JARS[account["username"]]
                return
            self.jar = JARS[account["username"]] = {}
            self._post_form(
                "/accounts/login/", "sign in", {"username": account["username"],
                                                "password": PASSWORD},
            )  # fmt: skip
            code = str(totp(bytes.fromhex(account["key"]))).zfill(6)
            response = self._post_form("/accounts/2fa/", "second factor", {"token": code})
            assert response.status_code == 302, response.status_code
            READY.add(account["username"])

        if floor:

            @task
            def minimal_page(self):
                self._send("GET", "/accounts/password/done/", "floor: minimal signed-in page")

        else:

            @task(3)
            def case_list(self):
                self._send("GET", "/cases/", "case list")

            @task(3)
            def case_page(self):
                self._send("GET", f"/cases/{random.choice(case_ids)}/", "case page")

            @task(2)
            def name_search(self):
                response = self._post_form("/cases/", "name search", {"q": random.choice(NAMES)})
                self._send("GET", response.headers["Location"], "name search result")

    env = Environment(user_classes=[Caseworker])
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)  # all at once: sign-ins are not measured below
    deadline = time.monotonic() + 300
    while len(READY & {a["username"] for a in data["accounts"][:users]}) < users:
        assert time.monotonic() < deadline, "the users could not sign in"
        gevent.sleep(0.2)
    gevent.sleep(1)
    env.stats.reset_all()
    gevent.sleep(seconds)
    total: StatsEntry = env.stats.total
    result = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.num_requests / seconds,
        "p50": total.get_response_time_percentile(0.5),
        "p95": total.get_response_time_percentile(0.95),
        "by_name": {
            name: {"n": e.num_requests, "p50": e.get_response_time_percentile(0.5),
                   "p95": e.get_response_time_percentile(0.95)}
            for (name, _method), e in env.stats.entries.items()
        },
    }  # fmt: skip
    runner.quit()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--db", default="himoya_bench_load")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(max(args.users), args.cases)))
        return
    ensure_database(args.db)
    static = tempfile.mkdtemp(prefix="himoya-bench-static-")
    env = production_env(args.db, static)
    python = [sys.executable]
    users = [str(u) for u in args.users]
    out = subprocess.run(
        [*python, __file__, "--prepare", "1", "--users", *users, "--cases", str(args.cases)],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    data = json.loads(out.stdout.strip().splitlines()[-1])
    subprocess.run(
        [*python, "-m", "himoya", "collectstatic", "--noinput", "-v0"],
        env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [*python, "-m", "gunicorn", "himoya.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--forwarded-allow-ips", "127.0.0.1",
         "--log-level", "warning"],
        env=env, cwd=ROOT, stderr=subprocess.DEVNULL,  # the JSON request log: written, unread
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        for n in args.users:
            work = run_phase(base, data, n, args.seconds, floor=False)
            floor = run_phase(base, data, n, args.seconds, floor=True)
            rows.append((n, work, floor))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"gunicorn, {args.workers} sync workers, production settings; "
          f"{args.seconds:.0f} s per phase, 0.5 s think time")  # fmt: skip
    print(f"{'users':>5} {'phase':<12}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'fail':>6}")
    for n, work, floor in rows:
        for label, r in (("caseworkers", work), ("floor", floor)):
            print(f"{n:>5} {label:<12}{r['rps']:>8.1f}{r['p50']:>8.0f}{r['p95']:>8.0f}"
                  f"{r['failures']:>6}")  # fmt: skip
        print(f"{'':>5} ratio caseworkers/floor throughput: {work['rps'] / floor['rps']:.2f} "
              f"(target >= 0.5); p95 target at 50 users: < 300 ms")  # fmt: skip
        for name, e in sorted(work["by_name"].items()):
            print(f"{'':>7}{name:<30}{e['n']:>7}{e['p50']:>8.0f}{e['p95']:>8.0f}")


if __name__ == "__main__":
    main()
