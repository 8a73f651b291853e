from decimal import Decimal

import pytest

from himoya.cases.tests.factories import register_case
from himoya.justice import actions, queries
from himoya.justice.tests.conftest import D, add_suspect, open_criminal, share_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def convicted(agency, investigator, police_case, ngo_case, legal_aid, lawyer):
    """Two proceedings: one with two convictions (TJ man, RU woman), one still investigated."""
    p = open_criminal(agency, investigator, articles=["130.1", "132"])
    man = add_suspect(p, investigator)
    woman = add_suspect(p, investigator, sex="female", citizenship="RU", role="Exploiter")
    part = actions.do_add_victim(
        p, police_case, roles=["injured_party"], joined_on=D(2026, 2, 3), acting_user=investigator
    )
    actions.do_add_victim(
        p, ngo_case, roles=["witness"], joined_on=D(2026, 2, 3), acting_user=investigator
    )
    share_case(police_case, legal_aid)
    actions.do_assign_lawyer(
        part,
        lawyer=lawyer,
        organisation=legal_aid,
        starts_on=D(2026, 2, 4),
        acting_user=investigator,
    )
    actions.do_indict(p, on=D(2026, 3, 1), acting_user=investigator)
    actions.do_send_to_trial(p, on=D(2026, 4, 1), acting_user=investigator)
    actions.do_record_verdict(
        p,
        on=D(2026, 5, 10),
        outcome="convicted",
        compensation_ordered="20000",
        sentences={
            man.pk: {"prison_months": 120},
            woman.pk: {"prison_months": 36, "suspended": True, "fine_somoni": "3000"},
        },
        acting_user=investigator,
    )
    actions.do_record_compensation(p, ordered="20000", paid="5000", acting_user=investigator)
    q = open_criminal(
        agency, investigator, articles=["130.1"], case_number="99/2026", opened_on=D(2026, 4, 1)
    )
    add_suspect(q, investigator)
    return p, q


def test_proceedings_by_article_and_stage(convicted):
    assert queries.proceedings_by_article_and_stage() == [
        {"article": "130.1", "stage": "investigation", "proceedings": 1},
        {"article": "130.1", "stage": "verdict", "proceedings": 1},
        {"article": "132", "stage": "verdict", "proceedings": 1},
    ]
    assert queries.proceedings_by_article_and_stage(start=D(2026, 3, 1)) == [
        {"article": "130.1", "stage": "investigation", "proceedings": 1},
    ]


def test_persons_by_status_sex_and_citizenship(convicted):
    rows = queries.persons_by_status()
    assert rows == [
        {"sex": "female", "citizenship": "RU", "suspected": 1, "prosecuted": 1, "convicted": 1},
        {"sex": "male", "citizenship": "TJ", "suspected": 2, "prosecuted": 1, "convicted": 1},
    ]
    assert queries.persons_by_status(start=D(2026, 6, 1)) == []


def test_a_person_in_two_proceedings_counts_once(convicted, investigator):
    p, q = convicted
    man = p.defendants.get(perpetrator__sex="male").perpetrator
    from himoya.justice.models import Defendant

    Defendant.objects.create(proceeding=q, perpetrator=man, status="suspected")
    rows = {r["sex"]: r for r in queries.persons_by_status()}
    assert rows["male"]["suspected"] == 2


def test_sentences(convicted):
    figures = queries.sentences()
    assert figures["convicted"] == 2
    assert figures["by_type"] == {"prison": 1, "suspended": 1, "fine": 1, "amnesty": 0}
    assert figures["prison_by_length"] == {"under5": 0, "from5to10": 0, "over10": 1}


def test_compensation_ordered_and_paid(convicted):
    assert queries.compensation() == {
        "proceedings": 1,
        "ordered": Decimal("20000.00"),
        "paid": Decimal("5000.00"),
    }


def test_victims_with_legal_representation(convicted):
    assert queries.victims_with_representation() == {"victims": 2, "represented": 1}


def test_median_time_from_identification_to_verdict(convicted, agency, investigator):
    # Identified 10 Jan and 20 Jan; verdict 10 May: 120 and 110 days.
    assert queries.median_days_identification_to_verdict() == 115
    assert queries.median_days_identification_to_verdict(end=D(2026, 5, 1)) is None
    register_case(agency, investigator)  # not in any proceeding: does not count
    assert queries.median_days_identification_to_verdict() == 115


def test_figures_are_limited_to_given_agencies(convicted, other_org):
    assert queries.proceedings_by_article_and_stage(organisation_ids=[other_org.pk]) == []
    assert queries.compensation(organisation_ids=[other_org.pk])["proceedings"] == 0


class TestFiguresPage:
    @pytest.fixture
    def coordinator(self, make_org, make_user):
        from himoya.access.roles import Role
        from himoya.organisations.models import Organisation

        commission = make_org("commission", kind=Organisation.Kind.MINISTRY, is_national=True)
        return make_user(commission, Role.NATIONAL_COORDINATOR)

    def url(self):
        from django.urls import reverse

        return reverse("justice_figures") + "?year=2026"

    def test_coordinator_with_the_exact_grant_sees_exact_national_figures(
        self, convicted, client, login, coordinator
    ):
        login(coordinator)
        response = client.get(self.url())
        assert response.status_code == 200
        assert not response.context["protected"]
        assert [r["convicted"] for r in response.context["persons"]] == [1, 1]
        assert response.context["sentences"]["convicted"] == 2
        page = response.content.decode()
        assert "12-345" not in page and "/justice/" not in page.split("<main")[1]

    def test_analyst_sees_every_figure_of_the_page_protected(
        self, convicted, client, login, coordinator
    ):
        from himoya.access.roles import Role
        from himoya.organisations.models import Membership

        national = Membership.objects.get(user=coordinator).organisation
        analyst = coordinator.__class__.objects.create_user("analyst-j", password="x-y-z-1234")
        Membership.objects.create(user=analyst, organisation=national, role=Role.ANALYST)
        login(analyst)
        response = client.get(self.url())
        ctx = response.context
        assert ctx["protected"]
        shown = [r["convicted"] for r in ctx["persons"]]
        shown += [ctx["sentences"]["convicted"], *ctx["sentences"]["by_type"].values()]
        shown += [ctx["representation"]["victims"], ctx["compensation"]["proceedings"]]
        assert all(n in (0,) or n >= 3 for n in shown)  # never a 1 or a 2
        assert ctx["compensation"]["ordered"] is None  # an amount of 2 proceedings: not shown
        assert ctx["median_days"] is None

    def test_agency_supervisor_sees_own_figures_in_full(
        self, convicted, client, login, investigator
    ):
        login(investigator)
        response = client.get(self.url())
        assert [r["convicted"] for r in response.context["persons"]] == [1, 1]

    def test_other_agency_sees_none_of_these(self, convicted, client, login, make_org, make_user):
        from himoya.access.roles import Role
        from himoya.organisations.models import Organisation

        other = make_org("police-kulob", kind=Organisation.Kind.LAW_ENFORCEMENT)
        login(make_user(other, Role.SUPERVISOR))
        response = client.get(self.url())
        assert response.context["persons"] == []

    def test_lawyer_without_statistics_gets_403(self, client, login, lawyer):
        login(lawyer)
        assert client.get(self.url()).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(self.url()).status_code == 302
