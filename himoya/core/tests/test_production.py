"""The production configuration, as an operator installs it: static files collected,
gunicorn serving, a TLS proxy in front, development mode off."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from himoya.access.roles import Role
from himoya.crypto import keys

PROJECT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(static_root: Path, field_key: str, index_key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIMOYA_")}
    db = connection.settings_dict
    env.update(
        DJANGO_SETTINGS_MODULE="himoya.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        HIMOYA_SECRET_KEY="production-test-" + "x" * 50,
        HIMOYA_FIELD_KEY=field_key,
        HIMOYA_INDEX_KEY=index_key,
        HIMOYA_AUDIT_KEY=keys.new_key_spec("audit"),
        HIMOYA_ALLOWED_HOSTS="127.0.0.1",
        HIMOYA_STATIC_ROOT=str(static_root),
    )
    return env


class Browser:
    """A tiny client that talks to the server as the TLS proxy forwards a browser."""

    def __init__(self, base: str):
        self.base, self.cookies = base, {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        from urllib.parse import urlencode

        body = urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        req.add_header("X-Forwarded-Proto", "https")
        req.add_header("Referer", self.base.replace("http://", "https://") + path.split("?")[0])
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(req, timeout=20)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        text = response.read().decode("utf-8", "replace")
        return response.status, response.headers.get("Location", ""), text

    def post_form(self, path: str, fields: dict) -> tuple[int, str, str]:
        _status, _loc, page = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(path, {"csrfmiddlewaretoken": token, **fields})


@pytest.mark.django_db(transaction=True)
def test_production_under_gunicorn_serves_sign_in_and_a_case_page(
    tmp_path, settings, make_org, make_user
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import totp_now
    from himoya.cases.tests.factories import register_case

    field_key, index_key = keys.new_key_spec("prod1"), keys.new_key_spec("idx")
    settings.FIELD_KEY, settings.INDEX_KEY = field_key, index_key
    # The production process verifies with Argon2 only (the tests add a fast hasher first).
    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    org = make_org("madad")
    user = make_user(org, Role.CASEWORKER, username="farangis")
    case = register_case(org, user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    env = production_env(tmp_path / "static", field_key, index_key)
    himoya = [sys.executable, "-m", "himoya"]
    collected = subprocess.run(
        [*himoya, "collectstatic", "--noinput"], env=env, cwd=PROJECT, capture_output=True
    )
    assert collected.returncode == 0, collected.stderr.decode()[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").is_file()

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "himoya.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        for _ in range(100):
            try:
                status, _loc, page = browser.request("/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, page[-500:]
        static = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert re.search(r"\.[0-9a-f]{12}\.css$", static)  # hashed by the manifest
        assert browser.request(static)[0] == 200
        status, location, _page = browser.post_form(
            "/accounts/login/", {"username": "farangis", "password": "correct-horse-battery"}
        )
        assert status == 302, _page[-1000:]
        if "/accounts/2fa/" in location:
            status, location, _page = browser.post_form(
                "/accounts/2fa/", {"token": totp_now(device)}
            )
        status, location, page = browser.request(f"/cases/{case.pk}/")
        if "/accounts/2fa/" in location:  # the second factor, when the role or device asks
            browser.post_form("/accounts/2fa/", {"token": totp_now(device)})
            status, location, page = browser.request(f"/cases/{case.pk}/")
        assert status == 200, (location, page[-1000:])
        assert case.reference in page
        health = browser.request("/healthz")
        assert health[0] == 200 and '"database": "ok"' in health[2]
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert "Traceback" not in output, output[-3000:]


def test_check_deploy_fails_without_collected_static_files_and_on_development_keys(
    tmp_path,
):
    env = production_env(tmp_path / "nothing", keys.new_key_spec("k1"), keys.new_key_spec("i1"))
    env["DATABASE_URL"] = "sqlite:///" + str(tmp_path / "db.sqlite3")
    run = subprocess.run(
        [sys.executable, "-m", "himoya", "check", "--deploy"],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "himoya.E010" in run.stderr
    env["HIMOYA_FIELD_KEY"] = "dev:ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcmVhbC1kYXQ="
    run = subprocess.run(
        [sys.executable, "-m", "himoya", "check", "--deploy"],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert "himoya.E013" in run.stderr


@pytest.mark.django_db
def test_demo_refuses_to_run_outside_development_mode(settings):
    from himoya.organisations.models import User

    settings.DEBUG, settings.TESTING = False, False
    with pytest.raises(CommandError, match="development mode"):
        call_command("demo", cases=0)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_healthz_reports_database_and_disk_without_personal_data(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["database"] == "ok" and data["status"] == "ok"
    assert set(data) <= {
        "database",
        "disk",
        "disk_free_bytes",
        "jobs_running",
        "last_job_finished_at",
        "status",
    }


def test_every_vendored_source_map_reference_points_to_a_vendored_file():
    """collectstatic's manifest storage fails on a missing map, and then every page is 500."""
    static = PROJECT / "himoya" / "static"
    missing = []
    for path in static.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for target in re.findall(r"sourceMappingURL=([^\s*'\"]+)", text):
            if not target.startswith("data:") and not (path.parent / target).is_file():
                missing.append(f"{path.relative_to(static)} -> {target}")
    assert not missing, missing


def test_check_deploy_flags_debug_and_the_development_secret_key(settings):
    from himoya.core.checks import check_not_in_development_mode

    settings.DEBUG, settings.SECRET_KEY = True, settings.DEV_SECRET_KEY
    ids = {error.id for error in check_not_in_development_mode()}
    assert {"himoya.E011", "himoya.E012"} <= ids
    settings.DEBUG, settings.SECRET_KEY = False, "x" * 60
    settings.FIELD_KEY = settings.INDEX_KEY = keys.new_key_spec("k1")
    assert check_not_in_development_mode() == []


@pytest.mark.django_db
def test_healthz_fails_with_503_when_the_disk_is_nearly_full(client, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10 * 2**30, 10 * 2**30, 2**20))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["disk"] == "low" and response.json()["status"] == "failing"
