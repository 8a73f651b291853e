import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.screening import actions
from himoya.screening.models import Checklist

pytestmark = pytest.mark.django_db

INDICATOR = {
    "code": "mrc_unregistered",
    "position": 999,
    "section": "vulnerability",
    "dimension": "vulnerability",
    "strength": "weak",
    "text_tg": "Оё шумо дар хориҷа ба қайд гирифта нашудаед?",
    "text_ru": "Вы не зарегистрированы по месту пребывания за рубежом?",
    "text_en": "Are you unregistered at your address abroad?",
    "ilo_indicators": ["abuse_of_vulnerability"],
}


@pytest.fixture
def supervisor(org, make_user):
    return make_user(org, Role.SUPERVISOR)


@pytest.fixture
def own(org, supervisor, national):
    return actions.do_copy_checklist(national, org, slug="ours", acting_user=supervisor)


class TestChecklistList:
    url = reverse("checklist_list")

    def test_supervisor_sees_national_and_own(self, client, login, supervisor, own, national):
        login(supervisor)
        page = client.get(self.url).content.decode()
        assert national.name_tg in page
        assert reverse("checklist_version", args=[own.current_version().pk]) in page

    def test_other_org_checklist_is_not_listed(self, client, login, other_org, make_user, own):
        login(make_user(other_org, Role.SUPERVISOR))
        page = client.get(self.url).content.decode()
        assert reverse("checklist_version", args=[own.current_version().pk]) not in page

    def test_lawyer_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.LAWYER))
        assert client.get(self.url).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(self.url).status_code == 302


class TestChecklistCreateAndCopy:
    def test_supervisor_creates_an_empty_checklist(self, client, login, org, supervisor):
        login(supervisor)
        response = client.post(
            reverse("checklist_create"),
            {"slug": "border", "name_tg": "Сарҳад", "name_ru": "Граница", "name_en": "Border"},
        )
        checklist = Checklist.objects.get(organisation=org, slug="border")
        assert response["Location"] == reverse(
            "checklist_version", args=[checklist.current_version().pk]
        )

    def test_supervisor_copies_the_national_checklist(
        self, client, login, org, supervisor, national
    ):
        login(supervisor)
        client.post(reverse("checklist_copy", args=[national.pk]), {"slug": "copy"})
        copy = Checklist.objects.get(organisation=org, slug="copy")
        assert copy.current_version().indicators.count() == (
            national.current_version().indicators.count()
        )

    def test_duplicate_slug_is_refused(self, client, login, supervisor, own, national):
        login(supervisor)
        response = client.post(reverse("checklist_copy", args=[national.pk]), {"slug": "ours"})
        assert response.status_code == 200
        assert Checklist.objects.filter(slug="ours").count() == 1

    def test_caseworker_gets_403(self, client, login, org, make_user, national):
        login(make_user(org, Role.CASEWORKER))
        assert client.get(reverse("checklist_create")).status_code == 403
        assert client.get(reverse("checklist_copy", args=[national.pk])).status_code == 403

    def test_admin_of_other_org_cannot_copy_their_checklist(
        self, client, login, other_org, make_user, own
    ):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(reverse("checklist_copy", args=[own.pk])).status_code == 404

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(reverse("checklist_create")).status_code == 302


class TestChecklistVersion:
    def test_responder_reads_the_national_checklist(self, client, login, org, make_user, national):
        login(make_user(org, Role.RESPONDER))
        version = national.current_version()
        page = client.get(reverse("checklist_version", args=[version.pk])).content.decode()
        assert version.indicators.get(code="coe_debt").text_tg in page
        assert reverse("indicator_add", args=[version.pk]) not in page

    def test_supervisor_may_edit_own_current_version(self, client, login, supervisor, own):
        login(supervisor)
        version = own.current_version()
        page = client.get(reverse("checklist_version", args=[version.pk])).content.decode()
        assert reverse("indicator_add", args=[version.pk]) in page


class TestIndicatorEditing:
    def test_adding_to_unused_version_changes_it(self, client, login, supervisor, own):
        version = own.current_version()
        login(supervisor)
        response = client.post(reverse("indicator_add", args=[version.pk]), INDICATOR)
        assert response["Location"] == reverse("checklist_version", args=[version.pk])
        added = version.indicators.get(code="mrc_unregistered")
        assert added.ilo_indicators == ["abuse_of_vulnerability"]
        assert own.versions.count() == 1

    def test_editing_a_used_version_creates_a_new_version(
        self, client, login, org, supervisor, own
    ):
        v1 = own.current_version()
        actions.do_start_screening(
            org,
            checklist=own,
            age_group="adult",
            suspected_form="labour",
            region="TJ-DU",
            acting_user=supervisor,
        )
        indicator = v1.indicators.get(code="exp_unpaid")
        login(supervisor)
        data = {**INDICATOR, "code": "exp_unpaid", "text_en": "Changed?"}
        response = client.post(reverse("indicator_edit", args=[indicator.pk]), data)
        v2 = own.current_version()
        assert v2.number == 2
        assert response["Location"] == reverse("checklist_version", args=[v2.pk])
        assert v2.indicators.get(code="exp_unpaid").text_en == "Changed?"
        indicator.refresh_from_db()
        assert indicator.text_en == "Are you paid nothing, or much less than agreed?"

    def test_national_checklist_cannot_be_edited_from_a_page(
        self, client, login, supervisor, national
    ):
        login(supervisor)
        response = client.post(
            reverse("indicator_add", args=[national.current_version().pk]), INDICATOR
        )
        assert response.status_code == 403
        assert not national.current_version().indicators.filter(code="mrc_unregistered").exists()

    def test_duplicate_code_is_refused(self, client, login, supervisor, own):
        login(supervisor)
        response = client.post(
            reverse("indicator_add", args=[own.current_version().pk]),
            {**INDICATOR, "code": "exp_unpaid"},
        )
        assert response.status_code == 200
        assert own.current_version().indicators.filter(code="exp_unpaid").count() == 1

    def test_removing_an_indicator(self, client, login, supervisor, own):
        indicator = own.current_version().indicators.get(code="exp_fines")
        login(supervisor)
        client.post(reverse("indicator_remove", args=[indicator.pk]))
        assert not own.current_version().indicators.filter(code="exp_fines").exists()

    def test_caseworker_gets_403(self, client, login, org, make_user, own):
        login(make_user(org, Role.CASEWORKER))
        indicator = own.current_version().indicators.first()
        assert client.get(reverse("indicator_edit", args=[indicator.pk])).status_code == 403
        assert client.post(reverse("indicator_remove", args=[indicator.pk])).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, other_org, make_user, own):
        login(make_user(other_org, Role.ORG_ADMIN))
        version = own.current_version()
        assert client.get(reverse("checklist_version", args=[version.pk])).status_code == 404
        assert client.get(reverse("indicator_add", args=[version.pk])).status_code == 404
        indicator = version.indicators.first()
        assert client.get(reverse("indicator_edit", args=[indicator.pk])).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, own):
        version = own.current_version()
        assert client.get(reverse("indicator_add", args=[version.pk])).status_code == 302


class TestChecklistSetActive:
    def url(self, checklist):
        return reverse("checklist_set_active", args=[checklist.pk])

    def test_retired_checklist_is_not_offered_for_screening(self, client, login, supervisor, own):
        login(supervisor)
        option = f'<option value="{own.pk}"'
        assert option in client.get(reverse("screening_start")).content.decode()
        client.post(self.url(own), {"is_active": "0"})
        own.refresh_from_db()
        assert not own.is_active
        assert option not in client.get(reverse("screening_start")).content.decode()
        client.post(self.url(own), {"is_active": "1"})
        own.refresh_from_db()
        assert own.is_active

    def test_national_checklist_cannot_be_retired(self, client, login, supervisor, national):
        login(supervisor)
        assert client.post(self.url(national), {"is_active": "0"}).status_code == 403
        national.refresh_from_db()
        assert national.is_active

    def test_caseworker_gets_403(self, client, login, org, make_user, own):
        login(make_user(org, Role.CASEWORKER))
        assert client.post(self.url(own), {"is_active": "0"}).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, other_org, make_user, own):
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.post(self.url(own), {"is_active": "0"}).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, own):
        assert client.post(self.url(own)).status_code == 302
