"""import → export → import gives the same records, in each of the three formats."""

import json

import pyarrow.feather as feather
import pytest
from django.conf import settings

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases.models import Case
from himoya.interop import store
from himoya.interop.actions import do_export, do_import
from himoya.interop.models import ImportedRecord
from himoya.interop.tests.test_htcds_import import GOOD, write
from himoya.interop.tests.xlsform_fixtures import central_csv

KANON = "ctdc/ctdc_global_kanon_2021-07-15.feather"


def records(org) -> list[str]:
    """The organisation's cases as HTCDS records (their references, which differ, left out)."""
    cases = Case.objects.filter(organisation=org).select_related("person", "situation")
    out = []
    for case in cases.prefetch_related("codes"):
        record = store.record_of(case, with_identity=True)
        assert record.pop("himoya_CaseReference") == case.reference
        out.append(json.dumps(record, default=str, sort_keys=True, ensure_ascii=False))
    return sorted(out)


def ctdc_records(org) -> list[tuple]:
    undated = set(ImportedRecord.objects.values_list("case_id", flat=True))
    out = []
    for case in Case.objects.filter(organisation=org).select_related("situation"):
        year = None if case.pk in undated else case.registered_on.year
        out.append(
            (
                year,
                case.sex,
                case.age_group,
                case.citizenship,
                case.exploitation_country,
                case.is_cross_border,
                case.situation.recruiter_relationship,
                tuple(sorted(case.codes.values_list("field", "code"))),
            )
        )
    return sorted(out, key=repr)


def as_national(table):
    """Global rows as if this country had recorded them (its own data in CTDC layout):
    a file of mostly foreign records is refused as cases."""
    import pyarrow as pa

    column = table.schema.get_field_index("citizenship")
    return table.set_column(column, "citizenship", pa.array(["TJ"] * table.num_rows))


def ctdc_sample(tmp_path, rows=400):
    table = feather.read_table(settings.HIMOYA_SHARED_DATA / KANON).slice(20_000, rows)
    table = as_national(table)
    path = tmp_path / "sample.feather"
    feather.write_feather(table, str(path))
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_htcds_round_trip(tmp_path, org, other_org, make_user, kind):
    rows = [GOOD, {**GOOD, "prs_FirstName": "Zarina", "prs_Gender": "Feminine", "cas_Status": ""}]
    do_import(org, write(tmp_path, rows), "htcds", acting_user=make_user(org))
    out = tmp_path / f"export.{kind}"
    assert do_export(org, "htcds", out, acting_user=make_user(org)) == 2
    do_import(other_org, out, "htcds", acting_user=make_user(other_org))
    assert records(other_org) == records(org)
    assert any("Ҷамшед" in r for r in records(other_org))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "zip"])
def test_xlsform_round_trip(tmp_path, org, other_org, make_user, kind):
    source = tmp_path / "subs.csv"
    central_csv(source, 6)
    do_import(org, source, "xlsform", acting_user=make_user(org))
    out = tmp_path / f"export.{kind}"
    assert do_export(org, "xlsform", out, acting_user=make_user(org)) == 6
    result = do_import(other_org, out, "xlsform", acting_user=make_user(other_org))
    assert result["created"] == 6, result["errors"][:3]
    assert records(other_org) == records(org)
    registered = sorted(
        Case.objects.filter(organisation=org).values_list("registered_on", flat=True)
    )
    assert (
        sorted(Case.objects.filter(organisation=other_org).values_list("registered_on", flat=True))
        == registered
    )
    # Exported instance ids are the submissions' own: importing again adds nothing.
    assert do_import(org, out, "xlsform", acting_user=make_user(org))["created"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx", "feather"])
def test_ctdc_round_trip(tmp_path, org, other_org, make_user, kind):
    do_import(org, ctdc_sample(tmp_path), "ctdc", acting_user=make_user(org))
    out = tmp_path / f"export.{kind}"
    assert do_export(org, "ctdc", out, acting_user=make_user(org)) == 400
    result = do_import(other_org, out, "ctdc", acting_user=make_user(other_org))
    assert result["created"] == 400, result["errors"][:3]
    assert ctdc_records(other_org) == ctdc_records(org)


@pytest.mark.django_db
def test_export_without_view_identity_leaves_identity_blank(tmp_path, org, make_user):
    do_import(org, write(tmp_path, [GOOD]), "htcds", acting_user=make_user(org))
    admin = make_user(org, Role.ORG_ADMIN)  # may export, may not see identities
    out = tmp_path / "export.csv"
    do_export(org, "htcds", out, acting_user=admin)
    text = out.read_text(encoding="utf-8")
    assert "Ҷамшед" not in text and "+992" not in text and "Masculine" in text
    event = AuditEvent.objects.get(action="export", actor=admin)
    assert event.fields == [] and "1 cases" in event.detail


@pytest.mark.django_db
def test_a_bad_ctdc_row_imports_nothing_and_is_reported(tmp_path, org, importer):
    import pandas as pd

    frame = pd.read_feather(ctdc_sample(tmp_path, rows=50))
    frame.loc[6, "gender"] = "Femme"  # row 7 of the file
    frame.loc[6, "isForcedLabour"] = 2
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    result = do_import(org, path, "ctdc", acting_user=importer)
    assert not result["imported"] and Case.objects.count() == 0
    assert sorted((e["row"], e["field"]) for e in result["errors"]) == [
        (7, "gender"),
        (7, "isForcedLabour"),
    ]
    skipped = do_import(org, path, "ctdc", acting_user=importer, skip_invalid=True)
    assert skipped["created"] == 49 and skipped["invalid_rows"] == 1
    assert not Case.objects.filter(organisation=org, sex="").exists()  # row 7 ("Femme")


@pytest.mark.django_db
def test_reimporting_a_ctdc_file_adds_nothing_even_for_identical_rows(tmp_path, org, importer):
    path = ctdc_sample(tmp_path, rows=200)
    assert feather.read_table(str(path)).to_pandas().duplicated().sum() > 10
    first = do_import(org, path, "ctdc", acting_user=importer)
    assert first["created"] == 200  # identical rows are separate persons
    again = do_import(org, path, "ctdc", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == 200
    assert Case.objects.filter(organisation=org).count() == 200


@pytest.mark.django_db
def test_ctdc_synthetic_schema_csv_with_minus_99_imports(tmp_path, org, importer):
    """The 2024 synthetic data set: Man/Woman, alpha-3 countries, em-dash age bands, -99."""
    path = tmp_path / "synthetic.csv"
    path.write_text(
        "yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,"
        "isForcedLabour,isSexualExploit,typeOfLabourConstruction,meansThreats\n"
        "2019,Man,30—38,TJK,RUS,1,,1,1\n"
        "2020,Woman,18—20,TJK,ARE,,1,,\n"
        "-99,-99,-99,-99,-99,-99,-99,-99,-99\n",
        encoding="utf-8",
    )
    result = do_import(org, path, "ctdc", acting_user=importer)
    assert result["created"] == 3, result["errors"]
    assert result["ignored_columns"] == ["meansThreats"]
    man = Case.objects.get(organisation=org, sex="male")
    assert (man.citizenship, man.exploitation_country, man.age_group) == ("TJ", "RU", "30-38")
    assert man.is_cross_border is True
    assert set(man.codes.values_list("code", flat=True)) == {"ForcedLabour", "F_Construction"}
    blank = Case.objects.get(organisation=org, sex="")
    assert (blank.citizenship, blank.age_group, blank.codes.count()) == ("", "", 0)
    assert ImportedRecord.objects.filter(case=blank).exists()  # no year in the source
