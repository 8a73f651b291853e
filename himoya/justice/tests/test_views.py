"""Every view: the allowed role, a role in scope without the permission (403), another
organisation's admin (404), and anonymous (sent to sign in)."""

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.justice import actions
from himoya.justice.models import Hearing, Proceeding
from himoya.justice.tests.conftest import D, add_suspect, share_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(proceeding, investigator, ngo_case, police_case, lawyer, legal_aid):
    """A proceeding with a suspect, an NGO's victim, and a police victim with a lawyer."""
    add_suspect(proceeding, investigator)
    ngo_part = actions.do_add_victim(
        proceeding, ngo_case, roles=["witness"], joined_on=D(2026, 2, 2), acting_user=investigator
    )
    police_part = actions.do_add_victim(
        proceeding,
        police_case,
        roles=["injured_party"],
        joined_on=D(2026, 2, 2),
        acting_user=investigator,
    )
    share_case(police_case, legal_aid)
    actions.do_assign_lawyer(
        police_part,
        lawyer=lawyer,
        organisation=legal_aid,
        starts_on=D(2026, 2, 3),
        acting_user=investigator,
    )
    return {"p": proceeding, "ngo_part": ngo_part, "police_part": police_part}


def url(name, w):
    """The URL of a view on the world's proceeding (the police victim's, where one is needed)."""
    p = w["p"]
    part = w["police_part"]
    if name == "representation_end":
        return reverse(name, args=[p.pk, p.representations.get().pk])
    if name == "perpetrator_cases":
        return reverse(name, args=[p.pk, p.defendants.values_list("pk", flat=True)[0]])
    if name in {"participation_edit", "representation_add", "notification_add"}:
        return reverse(name, args=[p.pk, part.pk])
    return reverse(name, args=[p.pk, "indict"] if name == "proceeding_step" else [p.pk])


MANAGE_VIEWS = [
    "proceeding_articles",
    "proceeding_step",
    "proceeding_verdict",
    "proceeding_compensation",
    "perpetrator_add",
    "perpetrator_cases",
    "victim_add",
    "participation_edit",
    "representation_add",
]
OWN_LAWYER_VIEWS = ["representation_end"]
VICTIM_SIDE_VIEWS = ["hearing_add", "notification_add"]
ALL_VIEWS = ["proceeding_detail", *MANAGE_VIEWS, *VICTIM_SIDE_VIEWS, *OWN_LAWYER_VIEWS]


@pytest.fixture
def other_admin(other_org, make_user):
    return make_user(other_org, Role.ORG_ADMIN)


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_investigator_opens_every_view(name, world, client, login, investigator):
    login(investigator)
    assert client.get(url(name, world)).status_code == 200


@pytest.mark.parametrize("name", MANAGE_VIEWS)
def test_ngo_caseworker_in_scope_gets_403_on_agency_views(
    name, world, client, login, ngo_caseworker
):
    login(ngo_caseworker)
    assert client.get(url(name, world)).status_code == 403
    assert AuditEvent.objects.filter(action="permission_denied").count() == 1


@pytest.mark.parametrize("name", [*VICTIM_SIDE_VIEWS, *OWN_LAWYER_VIEWS])
def test_ngo_caseworker_in_scope_gets_403_on_victim_side_views(
    name, world, client, login, ngo_caseworker
):
    login(ngo_caseworker)
    assert client.get(url(name, world)).status_code == 403


@pytest.mark.parametrize("name", [*VICTIM_SIDE_VIEWS, *OWN_LAWYER_VIEWS])
def test_representing_lawyer_adds_hearings_and_notes(name, world, client, login, lawyer):
    login(lawyer)
    assert client.get(url(name, world)).status_code == 200


def test_lawyer_ends_her_representation_and_loses_sight(world, client, login, lawyer, police_case):
    login(lawyer)
    case_page = reverse("case_detail", args=[police_case.pk])
    assert client.get(case_page).status_code == 200
    response = client.post(url("representation_end", world), {"ends_on": "2026-03-01"})
    assert response.status_code == 302
    assert world["p"].representations.get().ends_on == D(2026, 3, 1)
    assert client.get(url("proceeding_detail", world)).status_code == 404
    assert client.get(case_page).status_code == 404


def test_lawyer_cannot_note_for_a_victim_she_does_not_represent(world, client, login, lawyer):
    login(lawyer)
    other = reverse("notification_add", args=[world["p"].pk, world["ngo_part"].pk])
    assert client.get(other).status_code == 403
    page = client.get(url("proceeding_detail", world)).content.decode()
    assert page.count("/told/") == 1


@pytest.mark.parametrize("name", MANAGE_VIEWS)
def test_representing_lawyer_gets_403_on_agency_views(name, world, client, login, lawyer):
    login(lawyer)
    assert client.get(url(name, world)).status_code == 403


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_admin_of_other_org_gets_404(name, world, client, login, other_admin):
    login(other_admin)
    assert client.get(url(name, world)).status_code == 404


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_anonymous_is_sent_to_login(name, world, client):
    response = client.get(url(name, world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_ngo_caseworker_of_unrelated_organisation_gets_404(
    world, client, login, make_org, make_user
):
    unrelated = make_user(make_org("ngo-c"), Role.CASEWORKER)
    login(unrelated)
    assert client.get(url("proceeding_detail", world)).status_code == 404


def test_ngo_caseworker_sees_proceeding_of_her_victim(
    world, client, login, ngo_caseworker, ngo_case, police_case
):
    login(ngo_caseworker)
    page = client.get(url("proceeding_detail", world)).content.decode()
    assert ngo_case.reference in page
    assert police_case.reference not in page


def test_national_coordinator_gets_404(world, client, login, make_org, make_user):
    from himoya.organisations.models import Organisation

    commission = make_org("commission", kind=Organisation.Kind.MINISTRY, is_national=True)
    login(make_user(commission, Role.NATIONAL_COORDINATOR))
    assert client.get(url("proceeding_detail", world)).status_code == 404


class TestList:
    def test_lists_visible_proceedings_and_finds_by_case_number(
        self, world, client, login, investigator
    ):
        login(investigator)
        response = client.post(reverse("proceeding_list"), {"number": "12-345/2026"})
        assert response.status_code == 302
        assert "12-345" not in response["Location"] and "number" not in response["Location"]
        response = client.get(response["Location"])
        assert len(response.context["proceedings"]) == 1
        assert 'method="post"' in response.content.decode()
        response = client.post(reverse("proceeding_list"), {"number": "99-999"}, follow=True)
        assert len(response.context["proceedings"]) == 0

    def test_a_case_number_in_the_url_is_not_searched(self, world, client, login, investigator):
        login(investigator)
        response = client.get(reverse("proceeding_list"), {"number": "99-999"})
        assert len(response.context["proceedings"]) == 1

    def test_other_admin_sees_empty_list(self, world, client, login, other_admin):
        login(other_admin)
        assert list(client.get(reverse("proceeding_list")).context["proceedings"]) == []

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(reverse("proceeding_list")).status_code == 302


class TestCreate:
    def test_investigator_opens_a_proceeding(self, client, login, investigator, agency):
        login(investigator)
        response = client.post(
            reverse("proceeding_create"),
            {
                "organisation": agency.pk,
                "kind": "criminal",
                "case_number": "7/2026",
                "opened_on": "2026-02-01",
                "articles": ["130.1", "167"],
            },
        )
        p = Proceeding.objects.get()
        assert response.status_code == 302
        assert p.article_codes == ["130.1", "167"]

    def test_unknown_article_is_refused_and_input_kept(self, client, login, investigator, agency):
        login(investigator)
        response = client.post(
            reverse("proceeding_create"),
            {
                "organisation": agency.pk,
                "kind": "criminal",
                "case_number": "7/2026",
                "opened_on": "2026-02-01",
                "articles": ["130.1", "999"],
            },
        )
        assert response.status_code == 200
        assert 'value="7/2026"' in response.content.decode()
        assert not Proceeding.objects.exists()

    def test_cannot_open_for_another_organisation(self, client, login, investigator, other_org):
        login(investigator)
        response = client.post(
            reverse("proceeding_create"),
            {
                "organisation": other_org.pk,
                "kind": "civil",
                "case_number": "7/2026",
                "opened_on": "2026-02-01",
            },
        )
        assert response.status_code == 200
        assert not Proceeding.objects.exists()

    def test_caseworker_gets_403(self, client, login, ngo_caseworker):
        login(ngo_caseworker)
        assert client.get(reverse("proceeding_create")).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(reverse("proceeding_create")).status_code == 302


class TestIdentity:
    def test_reveal_is_audited(self, world, client, login, investigator):
        login(investigator)
        response = client.post(reverse("proceeding_identity", args=[world["p"].pk]))
        assert "12-345/2026" in response.content.decode()
        assert AuditEvent.objects.filter(action="view_identity").count() == 2

    def test_detail_does_not_show_the_case_number(self, world, client, login, investigator):
        login(investigator)
        page = client.get(url("proceeding_detail", world)).content.decode()
        assert "12-345/2026" not in page

    def test_org_admin_in_scope_without_identity_permission_gets_403(
        self, world, client, login, org, make_user
    ):
        login(make_user(org, Role.ORG_ADMIN))
        assert client.get(url("proceeding_detail", world)).status_code == 200
        response = client.post(reverse("proceeding_identity", args=[world["p"].pk]))
        assert response.status_code == 403

    def test_admin_of_other_org_gets_404(self, world, client, login, other_admin):
        login(other_admin)
        response = client.post(reverse("proceeding_identity", args=[world["p"].pk]))
        assert response.status_code == 404

    def test_anonymous_is_sent_to_login(self, world, client):
        response = client.post(reverse("proceeding_identity", args=[world["p"].pk]))
        assert response.status_code == 302


class TestBadInputThroughViews:
    def test_indictment_before_opening_is_refused_with_the_dates(
        self, world, client, login, investigator
    ):
        login(investigator)
        response = client.post(url("proceeding_step", world), {"on": "2026-01-01"})
        assert response.status_code == 200
        assert "2026-02-01" in response.content.decode()
        world["p"].refresh_from_db()
        assert world["p"].stage == "investigation"

    def test_conviction_without_sentence_is_refused(self, world, client, login, investigator):
        p = world["p"]
        actions.do_indict(p, on=D(2026, 3, 1), acting_user=investigator)
        actions.do_send_to_trial(p, on=D(2026, 4, 1), acting_user=investigator)
        d = p.defendants.get()
        login(investigator)
        response = client.post(
            url("proceeding_verdict", world),
            {
                "on": "2026-06-01",
                "outcome": "convicted",
                f"d{d.pk}_status": "convicted",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        p.refresh_from_db()
        assert (p.stage, p.outcome) == ("trial", "")

    def test_victim_of_another_organisation_cannot_be_added_by_reference(
        self, world, client, login, investigator, other_org, make_user
    ):
        from himoya.cases.tests.factories import register_case

        theirs = register_case(other_org, make_user(other_org, Role.CASEWORKER))
        login(investigator)
        response = client.post(
            url("victim_add", world),
            {"case": theirs.reference, "roles": ["witness"], "joined_on": "2026-02-03"},
        )
        assert response.status_code == 200
        assert theirs.reference in response.content.decode()  # the input is kept
        assert not world["p"].participations.filter(case=theirs).exists()

    def test_perpetrator_is_linked_to_victims_cases(
        self, world, client, login, investigator, ngo_case, police_case
    ):
        login(investigator)
        response = client.post(url("perpetrator_cases", world), {"cases": [police_case.pk]})
        assert response.status_code == 302
        perpetrator = world["p"].defendants.get().perpetrator
        assert list(perpetrator.cases.all()) == [police_case]
        assert police_case.perpetrators.get() == perpetrator

    def test_lawyer_adds_a_hearing_she_then_sees_at_home(self, world, client, login, lawyer):
        login(lawyer)
        response = client.post(
            url("hearing_add", world),
            {
                "kind": "court_hearing",
                "on": "2099-05-04",
                "at": "10:30",
                "place": "Room 3",
            },
        )
        assert response.status_code == 302
        assert Hearing.objects.get().place == "Room 3"
        home = client.get(reverse("home")).content.decode()
        assert "Room 3" in home


class TestQueryCounts:
    def test_list_queries_do_not_grow_with_proceedings(
        self, agency, investigator, client, login, django_assert_num_queries
    ):
        from himoya.justice.tests.conftest import open_criminal

        login(investigator)
        open_criminal(agency, investigator)
        client.get(reverse("proceeding_list"))
        with django_assert_num_queries(QUERIES_LIST) as ctx:
            client.get(reverse("proceeding_list"))
        for n in range(3):
            open_criminal(agency, investigator, case_number=f"{n}/2026", articles=["132", "167"])
        with django_assert_num_queries(len(ctx.captured_queries)):
            client.get(reverse("proceeding_list"))

    def test_detail_queries_do_not_grow_with_victims(
        self, world, client, login, investigator, agency, django_assert_num_queries
    ):
        from himoya.cases.tests.factories import register_case

        login(investigator)
        client.get(url("proceeding_detail", world))
        with django_assert_num_queries(QUERIES_DETAIL) as ctx:
            client.get(url("proceeding_detail", world))
        for _ in range(2):
            case = register_case(agency, investigator)
            actions.do_add_victim(
                world["p"],
                case,
                roles=["witness"],
                joined_on=D(2026, 2, 5),
                acting_user=investigator,
            )
            add_suspect(world["p"], investigator)
        with django_assert_num_queries(len(ctx.captured_queries)):
            client.get(url("proceeding_detail", world))


QUERIES_LIST = 7
QUERIES_DETAIL = 14  # one more: which victims were referred to the agency with consent
