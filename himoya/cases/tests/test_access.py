import pytest

from himoya.access.cases import add_case_visibility, cases_visible_to, persons_visible_to
from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case


@pytest.mark.django_db
class TestCasesVisibleTo:
    def test_caseworker_sees_own_organisation_only(self, org, other_org, make_user):
        mine = register_case(org, make_user(org, Role.CASEWORKER))
        register_case(other_org, make_user(other_org, Role.CASEWORKER))
        user = make_user(org, Role.CASEWORKER)
        assert list(cases_visible_to(user)) == [mine]
        assert list(persons_visible_to(user)) == [mine.person]

    def test_responder_sees_only_cases_they_registered(self, org, make_user):
        responder = make_user(org, Role.RESPONDER)
        own = register_case(org, responder)
        register_case(org, make_user(org, Role.CASEWORKER))
        assert list(cases_visible_to(responder)) == [own]

    @pytest.mark.parametrize("role", [Role.LAWYER, Role.NATIONAL_COORDINATOR, Role.ANALYST])
    def test_roles_without_case_access_see_nothing(self, org, make_user, role):
        register_case(org, make_user(org, Role.CASEWORKER))
        assert not cases_visible_to(make_user(org, role)).exists()
        assert not persons_visible_to(make_user(org, role)).exists()

    def test_anonymous_sees_nothing(self, org, make_user):
        from django.contrib.auth.models import AnonymousUser

        register_case(org, make_user(org, Role.CASEWORKER))
        assert not cases_visible_to(AnonymousUser()).exists()

    def test_another_source_of_visibility_is_ored_in(self, org, other_org, make_user):
        from django.db.models import Q

        from himoya.access import cases as access_cases

        theirs = register_case(other_org, make_user(other_org, Role.CASEWORKER))
        lawyer = make_user(org, Role.LAWYER)

        def represented(user):
            return Q(pk=theirs.pk) if user == lawyer else None

        add_case_visibility(represented)
        try:
            assert list(cases_visible_to(lawyer)) == [theirs]
        finally:
            access_cases.CASE_VISIBILITY.remove(represented)
