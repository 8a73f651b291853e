import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases import actions
from himoya.cases.models import Case
from himoya.cases.tests.factories import register_case


def url(case):
    return reverse("case_situation", args=[case.pk])


def posted(**changes) -> dict:
    """What the correction form posts for the factory's case, with changes."""
    data = {"exploitation_types": ["ForcedLabour"], "exploitation_country": "RU"}
    data.update(changes)
    return data


@pytest.mark.django_db
class TestCorrectSituation:
    def test_correction_updates_the_case_copies_the_audit_log_and_the_timeline(
        self, org, make_user
    ):
        user = make_user(org, Role.CASEWORKER)
        case = register_case(org, user)
        assert case.is_cross_border is True

        changed = actions.do_correct_situation(
            case,
            acting_user=user,
            case_data={},
            situation={"exploitation_country": "TJ", "exploitation_region": "TJ-DU"},
            multi={"exploitation_types": ["Servitude"], "labour_sectors": ["F_Construction"]},
        )

        case = Case.objects.get(pk=case.pk)
        assert case.exploitation_country == "TJ" and case.is_cross_border is False
        assert case.situation.exploitation_region == "TJ-DU"
        assert case.exploitation_codes == "|Servitude|"
        assert case.labour_sector_codes == "|F_Construction|"
        assert "situation.exploitation_country" in changed
        event = AuditEvent.objects.filter(action="update", object_id=str(case.pk)).get()
        assert "situation.exploitation_country" in event.fields
        assert "TJ-DU" not in str(event.detail) + str(event.fields)
        assert case.events.filter(kind="situation_corrected").count() == 1

    def test_nothing_changed_records_nothing(self, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        case = register_case(org, user)
        before = AuditEvent.objects.count()

        changed = actions.do_correct_situation(
            case,
            acting_user=user,
            case_data={},
            situation={"exploitation_country": "RU"},
            multi={"exploitation_types": ["ForcedLabour"]},
        )

        assert changed == [] and AuditEvent.objects.count() == before
        assert not case.events.filter(kind="situation_corrected").exists()

    def test_an_unknown_code_changes_nothing(self, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        case = register_case(org, user)
        with pytest.raises(actions.ValidationError):
            actions.do_correct_situation(
                case,
                acting_user=user,
                case_data={},
                situation={"exploitation_country": "XX"},
                multi={"exploitation_types": ["Servitude"]},
            )
        case = Case.objects.get(pk=case.pk)
        assert case.exploitation_country == "RU" and case.exploitation_codes == "|ForcedLabour|"

    def test_the_page_starts_from_the_record_and_saves(self, client, login, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        case = register_case(org, user, situation={"exploitation_place": "Москва"})
        login(user)

        page = client.get(url(case)).content.decode()
        assert 'value="Москва"' in page

        response = client.post(url(case), posted(exploitation_country="AE"))
        assert response.status_code == 302
        assert Case.objects.get(pk=case.pk).exploitation_country == "AE"

    def test_a_bad_form_keeps_what_was_typed_and_changes_nothing(
        self, client, login, org, make_user
    ):
        user = make_user(org, Role.CASEWORKER)
        case = register_case(org, user)
        login(user)

        response = client.post(
            url(case),
            posted(
                exploitation_place="Дубай", cross_border="internal", cross_border_override_reason=""
            ),
        )

        assert response.status_code == 200
        page = response.content.decode()
        assert 'value="Дубай"' in page
        assert Case.objects.get(pk=case.pk).situation.exploitation_place == ""

    def test_another_organisation_gets_404_and_a_responder_403(
        self, client, login, org, other_org, make_user
    ):
        case = register_case(org, make_user(org, Role.CASEWORKER))
        login(make_user(other_org, Role.CASEWORKER))
        assert client.get(url(case)).status_code == 404
        assert client.post(url(case), posted(exploitation_country="AE")).status_code == 404
        responder = make_user(org, Role.RESPONDER)
        own = register_case(org, responder)  # a responder sees the case but may not change it
        login(responder)
        assert client.post(url(own), posted(exploitation_country="AE")).status_code == 403
        assert Case.objects.get(pk=case.pk).exploitation_country == "RU"
        assert Case.objects.get(pk=own.pk).exploitation_country == "RU"


@pytest.mark.django_db
def test_the_timeline_follows_corrected_exploitation_dates(org, make_user):
    import datetime

    user = make_user(org, Role.CASEWORKER)
    case = register_case(org, user, exploitation_began=datetime.date(2025, 5, 1))
    began = datetime.date(2025, 2, 1)

    actions.do_correct_situation(
        case,
        acting_user=user,
        case_data={"exploitation_began": began, "exploitation_ended": datetime.date(2025, 9, 1)},
        situation={"exploitation_country": "RU"},
        multi={"exploitation_types": ["ForcedLabour"]},
    )

    dates = {e.kind: e.date for e in case.events.filter(kind__startswith="exploitation_")}
    assert dates == {"exploitation_began": began, "exploitation_ended": datetime.date(2025, 9, 1)}


@pytest.mark.django_db
def test_many_labour_sectors_fit_and_a_case_without_a_situation_gets_none_for_nothing(
    org, make_user
):
    from himoya.cases.models import TraffickingSituation
    from himoya.vocab import registry

    user = make_user(org, Role.CASEWORKER)
    # Every code of the two copied lists at once: the copies must still fit the
    # statistics indexes' rows (PostgreSQL refuses index rows over 2,704 bytes).
    sectors = registry.codes("vic_ForcedLabourIndustry")
    forms = registry.codes("vic_TypeOfExploitation")
    case = register_case(org, user, multi={"labour_sectors": sectors, "exploitation_types": forms})
    register_case(org, user, person=case.person)  # and the shared-person index
    assert Case.objects.get(pk=case.pk).labour_sector_codes.count("|") == len(sectors) + 1

    TraffickingSituation.objects.filter(case=case).delete()
    changed = actions.do_correct_situation(
        case,
        acting_user=user,
        case_data={},
        situation={},
        multi={"exploitation_types": forms},
    )
    assert changed == [] and not TraffickingSituation.objects.filter(case=case).exists()
