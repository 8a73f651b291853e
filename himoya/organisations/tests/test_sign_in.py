import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.organisations.models import User

PASSWORD = "correct-horse-battery"


def sign_in_form(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_new_password_is_hashed_with_argon2_in_production_settings(client, login, org, make_user):
    production = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    login(make_user(org, Role.ORG_ADMIN))
    with override_settings(PASSWORD_HASHERS=production):
        client.post(
            reverse("member_add", args=[org.slug]),
            {"username": "nigora", "role": Role.CASEWORKER, "password": "a-long-passphrase-9"},
        )
        user = User.objects.get(username="nigora")
        assert user.password.startswith("argon2$")
        assert user.check_password("a-long-passphrase-9")


@pytest.mark.django_db
def test_right_password_signs_in(client, org, make_user):
    user = make_user(org, Role.CASEWORKER, username="farangis")
    response = sign_in_form(client, "farangis", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_shows_message_and_keeps_the_user_name(client, org, make_user):
    make_user(org, Role.CASEWORKER, username="farangis")
    response = sign_in_form(client, "farangis", "not-the-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Номи корбар ва рамз мувофиқат намекунанд" in page
    assert 'value="farangis"' in page
    assert "not-the-password" not in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, org, make_user):
    make_user(org, Role.CASEWORKER, username="farangis")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_form(client, "farangis", "guess")
    response = sign_in_form(client, "farangis", PASSWORD)
    assert response.status_code == 429
    assert "Ҳисоб баста шуд" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_member_changes_own_password_and_weak_one_is_refused(client, login, org, make_user):
    user = make_user(org, Role.CASEWORKER)
    login(user)
    url = reverse("password_change")
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    )
    assert weak.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    strong = "a-new-long-passphrase-7"
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
    )
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(strong)


@pytest.mark.django_db
def test_password_change_needs_sign_in(client):
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_member_added_by_admin_must_choose_own_password_first(client, login, org, make_user):
    login(make_user(org, Role.ORG_ADMIN))
    client.post(
        reverse("member_add", args=[org.slug]),
        {"username": "nigora", "role": Role.CASEWORKER, "password": "admin-chosen-pass-1"},
    )
    client.logout()
    sign_in_form(client, "nigora", "admin-chosen-pass-1")
    # A caseworker passes the second factor first (set up here as the setup page would).
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import totp_now

    device = TOTPDevice.objects.create(
        user=User.objects.get(username="nigora"), name="phone", confirmed=True
    )
    client.post(reverse("otp_verify"), {"token": totp_now(device)})
    response = client.get(reverse("organisation_list"))
    assert response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "Рамзи шуморо маъмур гузоштааст" in page

    own = "nigoras-own-passphrase"
    client.post(
        reverse("password_change"),
        {"old_password": "admin-chosen-pass-1", "new_password1": own, "new_password2": own},
    )
    user = User.objects.get(username="nigora")
    assert not user.must_change_password
    assert user.check_password(own)
    assert client.get(reverse("organisation_list")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="update", fields=["password"]).exists()


def lock_from(client, username, ip, times=None):
    for _ in range(times or settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "x"}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_failures_from_one_address_do_not_lock_the_real_user_out_elsewhere(client, org, make_user):
    make_user(org, Role.CASEWORKER, username="farangis")
    lock_from(client, "farangis", "203.0.113.9", times=3 * settings.AXES_FAILURE_LIMIT)
    attacker = client.post(
        reverse("login"), {"username": "farangis", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert attacker.status_code == 429
    real = client.post(
        reverse("login"), {"username": "farangis", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert real.status_code == 302 and real["Location"] == reverse("home")


@pytest.mark.django_db
def test_lock_out_starts_short_and_grows_with_each_further_failure(client, org, make_user):
    import datetime

    from axes.models import AccessAttempt

    from himoya.organisations.lockout import cool_off_for

    make_user(org, Role.CASEWORKER, username="farangis")
    limit = settings.AXES_FAILURE_LIMIT
    assert [cool_off_for(limit + i).total_seconds() for i in range(3)] == [60, 120, 240]
    assert cool_off_for(limit + 30) == datetime.timedelta(hours=1)
    lock_from(client, "farangis", "198.51.100.7")

    def sign_in_after(seconds):
        AccessAttempt.objects.update(
            attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds)
        )
        return client.post(
            reverse("login"),
            {"username": "farangis", "password": PASSWORD},
            REMOTE_ADDR="198.51.100.7",
        ).status_code

    assert sign_in_after(61) == 302  # a minute later the real user gets in again
    client.logout()
    lock_from(client, "farangis", "198.51.100.7", times=limit + 1)
    # One failure more: two minutes; this refused try is one more: four minutes.
    assert sign_in_after(61) == 429
    assert sign_in_after(3 * 60) == 429  # and now eight
    assert sign_in_after(8 * 60 + 1) == 302


@pytest.mark.django_db
def test_forced_password_change_refuses_the_old_password(client, login, org, make_user):
    user = make_user(org, Role.CASEWORKER)
    user.must_change_password = True
    user.save()
    login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["new_password2"]]
    assert codes == ["password_reused"]  # refused as the old password, not for its strength
    user.refresh_from_db()
    assert user.must_change_password
    assert client.get(reverse("organisation_list"))["Location"] == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-horse-7",
            "new_password2": "another-horse-7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("another-horse-7")
