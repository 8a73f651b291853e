import io
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from himoya.access.roles import Role
from himoya.organisations import demo
from himoya.organisations.models import User


@pytest.mark.django_db
def test_demo_gives_every_role_a_login_and_admins_a_working_totp_key():
    ctx = {"cases": 0, "seed": 1, "stdout": io.StringIO()}
    demo.populate(ctx)
    roles = {label for _username, _where, label in ctx["logins"]}
    assert roles == {r.label for r in Role}

    coordinator = next(w for u, w, _ in ctx["logins"] if u == "coordinator")
    secret = coordinator.split("TOTP key: ")[1]
    device = TOTPDevice.objects.get(user__username="coordinator", confirmed=True)
    assert b32decode(secret) == device.bin_key
    # Everyone who can reveal identities or read the audit log gets a key; analysts not.
    for username in ("caseworker", "auditor", "sysadmin"):
        assert "TOTP key: " in next(w for u, w, _ in ctx["logins"] if u == username)
    assert "TOTP" not in next(w for u, w, _ in ctx["logins"] if u == "analyst")

    # The printed key is enough to sign in: password, then the code an app would show.
    client = Client()
    client.post(reverse("login"), {"username": "coordinator", "password": demo.DEMO_PASSWORD})
    code = str(totp(b32decode(secret), step=device.step, t0=device.t0)).zfill(device.digits)
    assert client.post(reverse("otp_verify"), {"token": code})["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_running_demo_twice_keeps_users_and_keys():
    first = {"cases": 0, "seed": 1, "stdout": io.StringIO()}
    demo.populate(first)
    second = {"cases": 0, "seed": 1, "stdout": io.StringIO()}
    demo.populate(second)
    assert first["logins"] == second["logins"]
    assert User.objects.filter(username="sysadmin").count() == 1
    assert TOTPDevice.objects.filter(user__username="sysadmin").count() == 1
