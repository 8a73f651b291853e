"""Shared test fixtures: organisations, users by role, and signing in (with 2FA when due)."""

import itertools

import pytest

from himoya.access.roles import Role

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _default_language():
    """Start each test in the default language: a request leaves its language active."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Keep each test's private files (encrypted exports, uploads) in its own folder."""
    settings.HIMOYA_PRIVATE_ROOT = tmp_path / "private"
    return settings.HIMOYA_PRIVATE_ROOT


@pytest.fixture(autouse=True)
def audit_checkpoint_dir(settings, tmp_path):
    """Keep each test's audit checkpoints in its own folder (they describe its database)."""
    settings.HIMOYA_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    return settings.HIMOYA_AUDIT_CHECKPOINT_DIR


@pytest.fixture
def make_org(db):
    from himoya.organisations.models import Organisation

    def make(slug=None, kind=Organisation.Kind.NGO, **extra):
        n = next(_seq)
        slug = slug or f"org{n}"
        extra.setdefault("regions", ["TJ-DU"])
        return Organisation.objects.create(
            slug=slug,
            kind=kind,
            name_tg=f"Ташкилоти {n}",
            name_ru=f"Организация {n}",
            name_en=f"Organisation {n}",
            **extra,
        )

    return make


@pytest.fixture
def make_user(db):
    from himoya.organisations.models import Membership, User

    def make(org, role=Role.CASEWORKER, username=None, password="correct-horse-battery"):
        username = username or f"{role}{next(_seq)}"
        user = User.objects.create_user(username=username, password=password)
        Membership.objects.create(user=user, organisation=org, role=role)
        return user

    return make


@pytest.fixture
def org(make_org):
    return make_org("ngo-a")


@pytest.fixture
def other_org(make_org):
    return make_org("ngo-b")


def sign_in(client, user):
    """Log the client in as `user`, passing the second factor if the role needs one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from himoya.access.policy import needs_second_factor

    client.force_login(user)
    if needs_second_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def totp_now(device) -> str:
    """Return the code an authenticator app with this device's key shows right now."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


@pytest.fixture
def login(client):
    def do(user):
        return sign_in(client, user)

    return do


# --- end-to-end tests in a real Chromium (Debian's package, driven by Playwright) ------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def chromium():
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the live server's ORM calls are in
    # another thread and are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):
    """A fresh browser profile; pass `phone=True` through `new_context` for a phone."""
    contexts = []

    def new_context(phone=False, **options):
        # The interface follows the browser's language: test browsers ask for Tajik unless
        # a test says otherwise (Chromium's own default would be en-US).
        options.setdefault("locale", "tg-TJ")
        ctx = chromium.new_context(**(PHONE if phone else {}), **options)
        ctx.set_default_timeout(10_000)
        ctx.on("page", lambda page: page.on("console", _note_policy_violation))
        contexts.append(ctx)
        return ctx

    violations: list[str] = []

    def _note_policy_violation(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    yield new_context
    for ctx in contexts:
        ctx.close()
    # Every browser test is also a test that no page needs more than the policy allows.
    assert violations == [], violations


@pytest.fixture
def page(browser_context):
    return browser_context().new_page()


def browser_sign_in(page, live_server, username, password="correct-horse-battery"):
    """Sign in through the real login form, typing the TOTP code when the role needs one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from himoya.access.policy import needs_second_factor
    from himoya.organisations.models import User

    user = User.objects.filter(username=username).first()
    device = None
    # A test that gave the user a device itself goes through the second factor itself.
    if (
        user is not None
        and needs_second_factor(user)
        and not TOTPDevice.objects.filter(user=user).exists()
    ):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")  # the header's language form has one too
    page.wait_for_load_state()
    if device is not None:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/2fa/" in page.url:
            page.fill("#id_token", totp_now(device))
            page.click("form:has(#id_token) button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
