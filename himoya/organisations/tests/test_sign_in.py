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
