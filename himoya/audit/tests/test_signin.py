import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_sign_in_is_audited_under_the_users_organisation(client, org, make_user):
    user = make_user(org, Role.CASEWORKER)
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert (event.actor, event.organisation_id, event.ip) == (user, org.pk, "127.0.0.1")


def test_sign_out_is_audited(client, login, org, make_user):
    user = make_user(org, Role.CASEWORKER)
    login(user)
    client.post(reverse("logout"))
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert (event.actor, event.organisation_id) == (user, org.pk)


def test_failed_sign_in_records_the_name_tried_never_the_password(client, org, make_user):
    user = make_user(org, Role.CASEWORKER)
    client.post(reverse("login"), {"username": user.username, "password": "guess-Тоҷикистон-1"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.FAILED_LOGIN)
    assert event.actor is None
    assert event.detail == user.username
    assert (event.organisation_id, event.object_id) == (org.pk, str(user.pk))
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list().get(pk=event.pk))
    assert "guess" not in stored and "Тоҷикистон" not in stored
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_failed_sign_in_of_an_unknown_name_stores_only_a_keyed_hash_of_it(client):
    typed = "my-Secret-passw0rd"  # typed into the name field by mistake
    client.post(reverse("login"), {"username": typed, "password": "whatever-it-is"})
    client.post(reverse("login"), {"username": typed, "password": "again-it-is"})
    first, second = AuditEvent.objects.filter(action=AuditEvent.Action.FAILED_LOGIN)
    assert (first.organisation_id, first.object_id) == (None, "")
    assert first.detail.startswith("unknown name ") and first.detail == second.detail
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list())
    assert typed not in stored and typed.lower() not in stored


def test_attempts_on_a_locked_account_are_not_recorded_one_by_one(client, org, make_user):
    from django.conf import settings

    user = make_user(org, Role.CASEWORKER)
    for _ in range(40):
        client.post(reverse("login"), {"username": user.username, "password": "guess"})
    recorded = AuditEvent.objects.filter(action=AuditEvent.Action.FAILED_LOGIN).count()
    assert recorded <= settings.AXES_FAILURE_LIMIT + 1
