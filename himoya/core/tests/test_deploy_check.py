import os
import secrets
import subprocess
import sys

from django.conf import settings

from himoya.crypto import keys


def production_env() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HIMOYA_", "DJANGO_")) and k != "PYTHONPATH"
    }
    env.update(
        HIMOYA_SECRET_KEY=secrets.token_urlsafe(50),
        HIMOYA_FIELD_KEY=keys.new_key_spec("k1"),
        HIMOYA_INDEX_KEY=keys.new_key_spec("i1"),
        HIMOYA_AUDIT_KEY=keys.new_key_spec("a1"),
        HIMOYA_ALLOWED_HOSTS="himoya.example.org",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/himoya"),
        DJANGO_SETTINGS_MODULE="himoya.settings",
    )
    return env


def himoya(*args: str, env: dict, timeout: int = 60) -> subprocess.CompletedProcess:
    """Run `python -m himoya ARGS` as a production process would, in the project folder."""
    return subprocess.run(
        [sys.executable, "-m", "himoya", *args],
        cwd=settings.PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_with_production_settings_reports_no_warnings(tmp_path):
    env = production_env()
    env["HIMOYA_STATIC_ROOT"] = str(tmp_path / "static")
    collected = himoya("collectstatic", "--noinput", env=env, timeout=120)
    assert collected.returncode == 0, collected.stderr
    result = himoya("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "no issues" in output


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_env()
    del env["HIMOYA_SECRET_KEY"]
    result = himoya("check", env=env)
    assert result.returncode != 0
    assert "HIMOYA_SECRET_KEY" in result.stderr


def test_check_deploy_refuses_the_development_audit_key(tmp_path):
    env = production_env()
    env["HIMOYA_STATIC_ROOT"] = str(tmp_path / "static")
    env["HIMOYA_AUDIT_KEY"] = settings.DEV_AUDIT_KEY
    result = himoya("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "himoya.E041" in result.stderr and "HIMOYA_AUDIT_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_an_audit_key():
    env = production_env()
    del env["HIMOYA_AUDIT_KEY"]
    result = himoya("check", env=env)
    assert result.returncode != 0
    assert "HIMOYA_AUDIT_KEY" in result.stderr
