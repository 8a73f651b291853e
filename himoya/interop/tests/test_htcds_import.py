import datetime

import pytest

from himoya.cases.models import Case, CaseCode, Person
from himoya.interop import htcds
from himoya.interop.actions import do_import

GOOD = {
    "prs_FirstName": "Ҷамшед",
    "prs_SecondName": "Раҳимов",
    "prs_Birthdate": datetime.date(1990, 5, 17),
    "prs_Gender": "Masculine",
    "prs_Citizenship": "TJ",
    "prs_MobilePhone": "+992 93 555 0101",
    "prs_Email": "j@example.org",
    "prs_MailingStreet": "кӯчаи Рӯдакӣ 10",
    "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
    "vic_MethodOfRecruitment": ["ThroughFriendsOrSocialEvents"],
    "vic_MethodsOfControl": ["DebtBondage", "WithholdsDocuments"],
    "vic_TypeOfExploitation": ["ForcedLabour"],
    "vic_ForcedLabourIndustry": ["F_Construction"],
    "vic_LocationOfExploitation": "Москва",
    "cas_Status": "Active",
}


def write(tmp_path, records, kind="xlsx"):
    path = tmp_path / f"cases.{kind}"
    htcds.write(records, path, kind)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_htcds_rows_become_cases(tmp_path, org, importer, kind):
    second = {**GOOD, "prs_FirstName": "Zarina", "prs_Gender": "Feminine"}
    path = write(tmp_path, [GOOD, second], kind)
    result = do_import(org, path, "htcds", acting_user=importer)
    assert result["imported"] and result["created"] == 2, result
    case = Case.objects.get(organisation=org, person__sex="male")
    assert case.person.given_name == "Ҷамшед"
    assert case.person.phone == "+992 93 555 0101"
    assert set(case.codes.values_list("field", "code")) == {
        ("recruitment_methods", "ThroughFriendsOrSocialEvents"),
        ("means_of_control", "DebtBondage"),
        ("means_of_control", "WithholdsDocuments"),
        ("exploitation_types", "ForcedLabour"),
        ("labour_sectors", "F_Construction"),
    }
    assert case.exploitation_codes == "|ForcedLabour|"  # what the case list filters on
    assert Person.objects.get(sex="female").given_name_latin == "Zarina"
    assert list(case.events.values_list("kind", flat=True)) == ["registered"]
    assert Case.objects.filter(organisation=org).exclude(source_key="").count() == 2


@pytest.mark.django_db
def test_reimporting_the_same_htcds_file_adds_nothing(tmp_path, org, importer):
    path = write(tmp_path, [GOOD, GOOD])
    assert do_import(org, path, "htcds", acting_user=importer)["created"] == 2
    again = do_import(org, path, "htcds", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == 2
    assert Case.objects.filter(organisation=org).count() == 2


@pytest.mark.django_db
def test_a_bad_htcds_row_imports_nothing_and_is_reported(tmp_path, org, importer):
    bad = {**GOOD, "vic_MethodsOfControl": ["DebtBondage", "Witchcraft"]}
    path = write(tmp_path, [GOOD, bad, GOOD])
    result = do_import(org, path, "htcds", acting_user=importer)
    assert not result["imported"] and result["created"] == 0
    assert Case.objects.count() == 0 and CaseCode.objects.count() == 0
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(2, "vic_MethodsOfControl")]
    assert "Witchcraft" in result["errors"][0]["value"]


@pytest.mark.django_db
def test_skip_invalid_imports_exactly_the_good_htcds_rows(tmp_path, org, importer):
    bad = {**GOOD, "prs_Citizenship": "XX"}
    path = write(tmp_path, [GOOD, bad, GOOD])
    result = do_import(org, path, "htcds", acting_user=importer, skip_invalid=True)
    assert result["imported"] and result["created"] == 2
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(2, "prs_Citizenship")]
    keys = set(Case.objects.values_list("source_key", flat=True))
    # Rows 1 and 3 say the same: two persons, the first and second copy of that content.
    assert {k.rsplit(":", 1)[1] for k in keys} == {"1", "2"}


@pytest.mark.django_db
def test_a_row_with_only_a_name_is_refused_with_its_row_number(tmp_path, org, importer):
    only_name = {"prs_FirstName": "Нилуфар", "prs_SecondName": "Каримова"}
    path = write(tmp_path, [GOOD, only_name])
    result = do_import(org, path, "htcds", acting_user=importer)
    assert not result["imported"] and Case.objects.count() == 0
    assert [(e["row"], e["problem"]) for e in result["errors"]] == [(2, "no_case")]


@pytest.mark.django_db
def test_dates_come_from_the_file_and_survive_export(tmp_path, org, other_org, importer, make_user):
    from himoya.interop.actions import do_export

    identified = {
        **GOOD,
        "vic_TraffickingStatus": "ActualVictimOfTrafficking",
        "vic_TraffickingStatusDecisionMakingOrg": "Police",
        "cas_IncomingReferralDate": datetime.date(2023, 3, 9),
    }
    result = do_import(org, write(tmp_path, [identified]), "htcds", acting_user=importer)
    assert result["imported"], result["errors"]
    case = Case.objects.get(organisation=org)
    assert case.registered_on == datetime.date(2023, 3, 9)
    assert case.status_decided_on == datetime.date(2023, 3, 9)
    out = tmp_path / "export.xlsx"
    do_export(org, "htcds", out, acting_user=importer)
    do_import(other_org, out, "htcds", acting_user=make_user(other_org))
    again = Case.objects.get(organisation=other_org)
    assert (again.registered_on, again.status_decided_on) == (
        case.registered_on,
        case.status_decided_on,
    )
