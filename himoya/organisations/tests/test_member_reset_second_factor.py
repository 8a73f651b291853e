import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.organisations.models import Membership


def url(membership):
    return reverse("member_reset_second_factor", args=[membership.organisation.slug, membership.pk])


@pytest.mark.django_db
class TestResetSecondFactor:
    @pytest.fixture
    def member(self, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        TOTPDevice.objects.create(user=user, name="lost phone", confirmed=True)
        return Membership.objects.get(user=user)

    def test_org_admin_removes_lost_authenticator(self, client, login, org, make_user, member):
        admin = make_user(org, Role.ORG_ADMIN)
        login(admin)
        edit = client.get(reverse("member_edit", args=[org.slug, member.pk]))
        assert url(member) in edit.content.decode()
        response = client.post(url(member))
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=member.user).exists()
        assert AuditEvent.objects.filter(
            actor=admin, detail="reset second factor", object_id=str(member.user_id)
        ).exists()

    def test_refused_for_a_person_with_a_higher_role_elsewhere(
        self, client, login, org, make_org, make_user, member
    ):
        commission = make_org(is_national=True)
        Membership.objects.create(user=member.user, organisation=commission, role=Role.SYSTEM_ADMIN)
        login(make_user(org, Role.ORG_ADMIN))
        assert client.post(url(member)).status_code == 403
        assert TOTPDevice.objects.filter(user=member.user).exists()

    def test_supervisor_gets_403(self, client, login, org, make_user, member):
        login(make_user(org, Role.SUPERVISOR))
        assert client.post(url(member)).status_code == 403
        assert TOTPDevice.objects.filter(user=member.user).exists()

    def test_admin_of_other_org_gets_404(self, client, login, other_org, make_user, member):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.post(url(member)).status_code == 404
        assert TOTPDevice.objects.filter(user=member.user).exists()

    def test_anonymous_is_sent_to_login(self, client, member):
        assert client.post(url(member))["Location"].startswith(reverse("login"))
