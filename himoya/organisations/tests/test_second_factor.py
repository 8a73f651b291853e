import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import totp_now
from himoya.access.roles import Role


@pytest.mark.django_db
class TestRequiredSecondFactor:
    def test_coordinator_without_device_is_sent_to_setup(self, client, org, make_user):
        client.force_login(make_user(org, Role.NATIONAL_COORDINATOR))
        response = client.get(reverse("organisation_list"))
        assert response.status_code == 302
        assert response["Location"] == reverse("otp_setup")

    @pytest.mark.parametrize(
        "role",
        [
            Role.ORG_ADMIN,
            Role.SYSTEM_ADMIN,
            # Every role that can reveal identities or read the audit log.
            Role.CASEWORKER,
            Role.SUPERVISOR,
            Role.LAWYER,
            Role.AUDITOR,
            Role.RESPONDER,
        ],
    )
    def test_roles_that_see_identities_or_the_log_are_sent_to_setup(
        self, client, org, make_user, role
    ):
        client.force_login(make_user(org, role))
        assert client.get(reverse("home"))["Location"] == reverse("otp_setup")

    def test_analyst_without_device_goes_straight_in(self, client, org, make_user):
        client.force_login(make_user(org, Role.ANALYST))
        assert client.get(reverse("home")).status_code == 200

    def test_setup_confirms_device_with_a_real_code(self, client, org, make_user):
        user = make_user(org, Role.NATIONAL_COORDINATOR)
        client.force_login(user)
        page = client.get(reverse("otp_setup"))
        assert page.status_code == 200
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert page.context["secret"] in page.content.decode()
        response = client.post(reverse("otp_setup"), {"token": totp_now(device)})
        assert response["Location"] == reverse("home")
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("organisation_list")).status_code == 200

    def test_setup_with_wrong_code_shows_message_and_confirms_nothing(self, client, org, make_user):
        user = make_user(org, Role.NATIONAL_COORDINATOR)
        client.force_login(user)
        client.get(reverse("otp_setup"))
        device = TOTPDevice.objects.get(user=user)
        wrong = f"{(int(totp_now(device)) + 1) % 1_000_000:06d}"
        response = client.post(reverse("otp_setup"), {"token": wrong})
        assert response.status_code == 200
        assert "Ин рамз дуруст нест" in response.content.decode()
        device.refresh_from_db()
        assert not device.confirmed
        assert client.get(reverse("home"))["Location"] == reverse("otp_setup")


@pytest.mark.django_db
class TestCodeEntry:
    @pytest.fixture
    def user_with_device(self, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        return user, device

    def test_user_with_device_must_enter_code(self, client, user_with_device):
        user, _device = user_with_device
        client.force_login(user)
        response = client.get(reverse("organisation_list"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('otp_verify')}?next=%2Forgs%2F"

    def test_right_code_lets_the_user_in_and_returns_to_the_page(self, client, user_with_device):
        user, device = user_with_device
        client.force_login(user)
        response = client.post(reverse("otp_verify"), {"token": totp_now(device), "next": "/orgs/"})
        assert response["Location"] == "/orgs/"
        assert client.get(reverse("organisation_list")).status_code == 200

    def test_wrong_code_shows_message(self, client, user_with_device):
        user, device = user_with_device
        client.force_login(user)
        wrong = f"{(int(totp_now(device)) + 1) % 1_000_000:06d}"
        response = client.post(reverse("otp_verify"), {"token": wrong})
        assert response.status_code == 200
        assert "Ин рамз дуруст нест" in response.content.decode()
        assert client.get(reverse("home")).status_code == 302

    def test_letters_instead_of_digits_show_message(self, client, user_with_device):
        client.force_login(user_with_device[0])
        response = client.post(reverse("otp_verify"), {"token": "abcdef"})
        assert "Рамз аз шаш рақам иборат аст" in response.content.decode()

    def test_next_to_another_site_is_ignored(self, client, user_with_device):
        user, device = user_with_device
        client.force_login(user)
        response = client.post(
            reverse("otp_verify"), {"token": totp_now(device), "next": "https://evil.example/"}
        )
        assert response["Location"] == reverse("home")

    def test_setup_cannot_add_a_second_device_before_the_code(self, client, user_with_device):
        user, _device = user_with_device
        client.force_login(user)
        response = client.get(reverse("otp_setup"))
        assert response["Location"] == reverse("otp_verify")
        assert TOTPDevice.objects.filter(user=user).count() == 1

    def test_anonymous_is_sent_to_login(self, client):
        for name in ("otp_verify", "otp_setup"):
            assert client.get(reverse(name))["Location"].startswith(reverse("login"))
        assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_optional_second_factor_for_an_analyst(client, org, make_user):
    user = make_user(org, Role.ANALYST)
    client.force_login(user)
    assert reverse("otp_setup") in client.get(reverse("home")).content.decode()
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("otp_setup"), {"token": totp_now(device)})
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_coordinator_waiting_for_setup_may_still_switch_language_and_sign_out(
    client, org, make_user
):
    user = make_user(org, Role.NATIONAL_COORDINATOR)
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert response["Location"] == "/"
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_unverified_user_cannot_reach_other_pages_such_as_jobs(client, org, make_user):
    user = make_user(org, Role.CASEWORKER)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    for path in ("/", "/orgs/", f"/orgs/{org.slug}/", "/jobs/1/", "/accounts/password/"):
        assert client.get(path)["Location"].startswith(reverse("otp_verify")), path
