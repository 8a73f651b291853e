import datetime

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases.tests.factories import register_case
from himoya.vocab import registry

URL = reverse("case_list")


def refs(response):
    return {c.reference for c in response.context["cases"]}


def search(client, data):
    """Post the case search (as the form does) and follow to the result page."""
    return client.post(URL, data, follow=True)


@pytest.mark.django_db
class TestCaseList:
    def test_caseworker_sees_own_organisation_cases(self, client, login, org, other_org, make_user):
        user = make_user(org, Role.CASEWORKER)
        mine = register_case(org, user)
        theirs = register_case(other_org, make_user(other_org, Role.CASEWORKER))
        login(user)
        response = client.get(URL)
        assert response.status_code == 200
        assert refs(response) == {mine.reference}
        assert reverse("case_detail", args=[theirs.pk]) not in response.content.decode()

    def test_responder_sees_only_own_registrations(self, client, login, org, make_user):
        responder = make_user(org, Role.RESPONDER)
        own = register_case(org, responder)
        register_case(org, make_user(org, Role.CASEWORKER))
        login(responder)
        assert refs(client.get(URL)) == {own.reference}

    def test_lawyer_sees_only_cases_represented(self, client, login, org, make_user):
        register_case(org, make_user(org, Role.CASEWORKER))
        login(make_user(org, Role.LAWYER))
        response = client.get(URL)
        assert response.status_code == 200 and refs(response) == set()

    @pytest.mark.parametrize("role", [Role.AUDITOR, Role.ANALYST, Role.NATIONAL_COORDINATOR])
    def test_roles_without_case_access_get_403(self, client, login, org, make_user, role):
        login(make_user(org, role))
        assert client.get(URL).status_code == 403
        assert AuditEvent.objects.filter(action="permission_denied").exists()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_identity_is_not_on_the_list(self, client, login, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        register_case(org, user)
        login(user)
        assert "Раҳимов" not in client.get(URL).content.decode()

    def test_filters_narrow_the_list(self, client, login, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        labour = register_case(org, user, registered_on=datetime.date(2025, 5, 1))
        sexual = register_case(
            org,
            user,
            person={"given_name": "Малика", "family_name": "Ғафурова", "sex": "female",
                    "age_at_identification": 19, "citizenship": "TJ",
                    "region_of_origin": "TJ-SU"},
            situation={"exploitation_country": "AE"},
            multi={"exploitation_types": ["SexualExploitation"]},
        )  # fmt: skip
        login(user)
        assert refs(client.get(URL, {"exploitation": "SexualExploitation"})) == {sexual.reference}
        assert refs(client.get(URL, {"country": "RU"})) == {labour.reference}
        assert refs(client.get(URL, {"region": "TJ-SU"})) == {sexual.reference}
        assert refs(client.get(URL, {"sex": "female"})) == {sexual.reference}
        assert refs(client.get(URL, {"registered_to": "2025-12-31"})) == {labour.reference}
        assert refs(client.get(URL, {"registered_from": "2026-01-01"})) == {sexual.reference}
        assert refs(client.get(URL, {"status": "ActualVictimOfTrafficking"})) == set()

    @pytest.mark.parametrize(
        "query", ["Джамшед Рахимов", "Jamshed Rakhimov", "Ҷамшед", "rahimov", "ЉАМШЕД"]
    )
    def test_name_search_in_any_script(self, client, login, org, make_user, query):
        user = make_user(org, Role.CASEWORKER)
        jamshed = register_case(org, user)
        register_case(
            org, user, person={"given_name": "Ҷамшед", "family_name": "Қодиров", "sex": "male"}
        )
        register_case(
            org, user, person={"given_name": "Муҳаммад", "family_name": "Раҳимов", "sex": "male"}
        )
        login(user)
        found = refs(search(client, {"q": query}))
        assert jamshed.reference in found
        if len(query.split()) == 2:
            assert found == {jamshed.reference}

    def test_name_search_does_not_reach_other_organisations(
        self, client, login, org, other_org, make_user
    ):
        register_case(other_org, make_user(other_org, Role.CASEWORKER))
        login(make_user(org, Role.CASEWORKER))
        assert refs(search(client, {"q": "Jamshed Rahimov"})) == set()

    def test_pagination(self, client, login, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        for day in range(1, 28):
            register_case(org, user, registered_on=datetime.date(2026, 2, day))
        login(user)
        first = client.get(URL)
        assert len(first.context["cases"]) == 25 and first.context["has_next"]
        second = client.get(URL, {"page": 2})
        assert len(second.context["cases"]) == 2 and not second.context["has_next"]
        assert refs(first).isdisjoint(refs(second))

    def test_query_count_is_pinned(self, client, login, org, make_user, django_assert_num_queries):
        user = make_user(org, Role.CASEWORKER)
        login(user)
        for _ in range(6):
            register_case(org, user)
        # session, user, second-factor device, memberships, the page of cases; and the
        # name search's audit row (savepoint, head lock, insert, head update, release)
        saved = client.post(URL, {"q": "Jamshed", "exploitation": "ForcedLabour"})
        # ... the persons with the name, their cases' dates (page and total), the rows
        with django_assert_num_queries(12):
            response = client.get(saved["Location"])
        assert len(response.context["cases"]) == 6
        label = registry.label("vic_TypeOfExploitation", "ForcedLabour", "tg")
        assert response.content.decode().count(label) == 6 + 1  # six rows and the filter


@pytest.mark.django_db
def test_age_group_filter_takes_a_band_or_a_broad_group(client, login, org, make_user):
    user = make_user(org, Role.CASEWORKER)
    girl = register_case(
        org, user, person={"given_name": "Малика", "sex": "female", "age_at_identification": 15}
    )
    register_case(org, user)  # a man of 27
    login(user)
    assert girl.age_group == "9-17"
    assert refs(client.get(URL, {"age_group": "9-17"})) == {girl.reference}
    assert refs(client.get(URL, {"age_group": "child"})) == {girl.reference}
    assert len(refs(client.get(URL, {"age_group": "adult"}))) == 1


@pytest.mark.django_db
def test_name_search_needs_the_right_to_see_identities_and_is_audited(
    client, login, org, make_user
):
    from himoya.audit.models import AuditEvent
    from himoya.cases.tests.factories import register_case

    caseworker = make_user(org, Role.CASEWORKER)
    register_case(org, caseworker)
    login(make_user(org, Role.ORG_ADMIN))
    response = search(client, {"q": "Раҳимов"})
    assert response.status_code == 200
    assert list(response.context["cases"]) == []
    assert response.context["form"].errors["q"]

    client.logout()
    login(caseworker)
    response = search(client, {"q": "Рахимов"})
    assert len(response.context["cases"]) == 1
    event = AuditEvent.objects.get(action="view_identity", actor=caseworker)
    assert "Рахимов" not in str(event.payload())
