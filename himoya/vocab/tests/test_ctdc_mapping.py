"""The CTDC ↔ HTCDS mapping, checked on real rows of the CTDC K-anon file."""

import pandas as pd
import pytest
from django.conf import settings

from himoya.vocab import ctdc, registry

KANON = "ctdc/ctdc_global_kanon_2021-07-15.feather"


@pytest.fixture(scope="module")
def frame():
    return pd.read_feather(settings.HIMOYA_SHARED_DATA / KANON)


@pytest.fixture(scope="module")
def sample(frame):
    """Every 25th row plus every Tajik row: ~4,000 real rows, all column patterns."""
    picked = frame.iloc[::25]
    tajik = frame[(frame.citizenship == "TJ") | (frame.CountryOfExploitation == "TJ")]
    return pd.concat([picked, tajik]).to_dict("records")


def test_columns_are_those_of_the_kanon_file(frame):
    assert ctdc.COLUMNS == list(frame.columns)


def test_every_column_is_mapped_or_documented():
    for column in ctdc.COLUMNS:
        mapped = column in ctdc.CTDC_TO_HTCDS or column in ctdc.VALUE_COLUMNS
        assert mapped or column in ctdc.UNMAPPED, column
    assert set(ctdc.UNMAPPED) <= set(ctdc.COLUMNS)


def test_every_mapping_target_is_a_valid_code():
    for column, (list_name, code) in ctdc.CTDC_TO_HTCDS.items():
        assert registry.is_valid(list_name, code), column
    for column, (list_name, code) in ((c, k) for k, c in ctdc.HTCDS_TO_CTDC.items()):
        assert ctdc.CTDC_TO_HTCDS[column] == (list_name, code)


def test_a_row_becomes_htcds_codes():
    row = {
        "yearOfRegistration": 2011.0,
        "Datasource": "Case Management",
        "gender": "Male",
        "ageBroad": "30--38",
        "majorityStatus": "Adult",
        "citizenship": "TJ",
        "CountryOfExploitation": "RU",
        "isForcedLabour": 1.0,
        "isSexualExploit": 0.0,
        "typeOfLabourConstruction": 1.0,
        "typeOfLabourAgriculture": 0.0,
        "meansOfControlDebtBondage": 1.0,
        "meansOfControlWithholdsDocuments": 1.0,
        "meansOfControlThreats": float("nan"),
        "recruiterRelationFriend": 1.0,
    }
    record = ctdc.from_ctdc(row)
    assert record.codes == {
        "vic_TypeOfExploitation": {"ForcedLabour"},
        "vic_MethodsOfControl": {"DebtBondage", "WithholdsDocuments"},
        "vic_ForcedLabourIndustry": {"F_Construction"},
        "vic_TypeOfSexExploitation": set(),
        "vic_RelationshipToTrafficker": {"Acquainted"},
    }
    assert record.values == {
        "year_of_registration": 2011,
        "datasource": "Case Management",
        "sex": "male",
        "age_group": "30-38",
        "majority": "adult",
        "majority_at_exploitation": None,
        "majority_at_entry": None,
        "citizenship": "TJ",
        "country_of_exploitation": "RU",
    }
    assert record.answered == {
        "vic_TypeOfExploitation",
        "vic_MethodsOfControl",
        "vic_ForcedLabourIndustry",
        "vic_RelationshipToTrafficker",
    }
    assert ctdc.to_ctdc(record.codes, record.values, record.rest, record.answered) == (
        ctdc.normalise_row(row)
    )


def test_real_rows_round_trip_cell_for_cell_with_rest(sample):
    for row in sample:
        record = ctdc.from_ctdc(row)
        rebuilt = ctdc.to_ctdc(record.codes, record.values, record.rest, record.answered)
        assert rebuilt == ctdc.normalise_row(row)


def test_real_rows_round_trip_at_the_htcds_level_without_rest(sample):
    changed = 0
    for row in sample:
        record = ctdc.from_ctdc(row)
        exported = ctdc.to_ctdc(record.codes, record.values, answered=record.answered)
        again = ctdc.from_ctdc(exported)
        assert (again.codes, again.values, again.answered) == (
            record.codes,
            record.values,
            record.answered,
        )
        changed += exported != ctdc.normalise_row(row)
    assert changed  # the check above is not vacuous: many rows need `rest` to be exact


def test_counts_by_exploitation_sex_and_year_equal_the_source(frame, sample):
    source = pd.DataFrame(sample)
    records = [ctdc.from_ctdc(row) for row in sample]
    exploitation = ctdc.CTDC_TO_HTCDS
    for column in ("isForcedLabour", "isSexualExploit", "isOtherExploit", "isForcedMarriage"):
        list_name, code = exploitation[column]
        assert sum(code in r.codes[list_name] for r in records) == (source[column] == 1).sum()
    for gender, sex in (("Male", "male"), ("Female", "female")):
        assert sum(r.values["sex"] == sex for r in records) == (source.gender == gender).sum()
    years = source.yearOfRegistration.dropna().astype(int).value_counts().to_dict()
    mine = pd.Series([r.values["year_of_registration"] for r in records]).value_counts()
    assert mine.to_dict() == years


def test_tajik_citizens_in_the_file(frame):
    tajik = frame[frame.citizenship == "TJ"].to_dict("records")
    records = [ctdc.from_ctdc(row) for row in tajik]
    assert len(records) == 77
    assert {r.values["country_of_exploitation"] for r in records} == {"TJ"}
    assert sorted(r.values["sex"] for r in records).count("female") == 45
    assert all(r.values["majority"] == "adult" for r in records)


def test_sub_tiers_export_to_the_nearest_mapped_column():
    row = ctdc.to_ctdc({"vic_ForcedLabourIndustry": {"A011_GrowingOfNonPerennialCrops"}}, {})
    assert row["typeOfLabourAgriculture"] == 1 and row["typeOfLabourAquafarming"] == 0
    row = ctdc.to_ctdc({"vic_ForcedLabourIndustry": ["A031_MarineFishingOrAquaculture"]}, {})
    assert row["typeOfLabourAquafarming"] == 1 and row["typeOfLabourAgriculture"] == 0
    assert row["typeOfLabourConcatenated"] == "Aquafarming"
    # a sector CTDC has no column for leaves the labour group written as all 0
    row = ctdc.to_ctdc({"vic_ForcedLabourIndustry": ["P_Education"]}, {})
    assert row["typeOfLabourConstruction"] is None


def test_export_writes_concatenated_columns_and_combined_exploitation():
    row = ctdc.to_ctdc(
        {"vic_TypeOfExploitation": {"ForcedLabour", "SexualExploitation"}},
        {"sex": "female", "age_group": "18-20", "citizenship": "UZ", "majority": "adult"},
    )
    assert row["typeOfExploitConcatenated"] == (
        "Forced labour;Sexual exploitation;Combined sexual and labour exploitation"
    )
    assert row["isSexAndLabour"] == 1 and row["isForcedMarriage"] == 0
    assert (row["gender"], row["ageBroad"], row["citizenship"], row["majorityStatus"]) == (
        "Female",
        "18--20",
        "UZ",
        "Adult",
    )
    assert row["meansOfControlDebtBondage"] is None  # group not recorded stays empty


def test_synthetic_data_set_spellings_are_read():
    record = ctdc.from_ctdc(
        {
            "gender": "Woman",
            "ageBroad": "18—20",
            "citizenship": "TJK",
            "CountryOfExploitation": "RUS",
        }
    )
    assert record.values["sex"] == "female"
    assert record.values["age_group"] == "18-20"
    assert record.values["citizenship"] == "TJ"
    assert record.values["country_of_exploitation"] == "RU"


def test_missing_markers_and_bad_flags():
    record = ctdc.from_ctdc({"isForcedLabour": -99, "citizenship": "00", "gender": ""})
    assert record.codes["vic_TypeOfExploitation"] == set()
    assert record.values["citizenship"] is None and record.values["sex"] is None
    with pytest.raises(ValueError, match="not a CTDC flag"):
        ctdc.from_ctdc({"isForcedLabour": "maybe"})


def test_table_from_ctdc_equals_from_ctdc_row_for_row():
    import pyarrow.feather as feather

    table = feather.read_table(settings.HIMOYA_SHARED_DATA / KANON)
    table = table.take(list(range(0, table.num_rows, 25)))
    bulk = ctdc.table_from_ctdc(table).to_pylist()
    for row, mine in zip(table.to_pylist(), bulk, strict=True):
        record = ctdc.from_ctdc(row, keep_rest=False)
        for list_name in ctdc.FLAG_LISTS:
            assert set(filter(None, mine[list_name].split(","))) == record.codes[list_name]
        assert set(filter(None, mine["answered"].split(","))) == record.answered
        assert {key: mine[key] for key, _ in ctdc.VALUE_COLUMNS.values()} == record.values
    assert sum("ForcedLabour" in r["vic_TypeOfExploitation"].split(",") for r in bulk) == sum(
        row["isForcedLabour"] == 1 for row in table.select(["isForcedLabour"]).to_pylist()
    )


def test_table_from_ctdc_reads_a_csv_with_text_flags():
    import pyarrow as pa

    table = pa.table(
        {
            "isForcedLabour": ["1", "0", "", "-99"],
            "meansOfControlRestrictsMovement": ["1", None, "0", ""],
            "gender": ["Male", "Female", "", None],
            "citizenship": ["TJ", "KGZ", "00", None],
        }
    )
    out = ctdc.table_from_ctdc(table).to_pylist()
    assert [r["vic_TypeOfExploitation"] for r in out] == ["ForcedLabour", "", "", ""]
    assert [r["vic_MethodsOfControl"] for r in out] == ["Other", "", "", ""]
    assert [r["sex"] for r in out] == ["male", "female", None, None]
    assert [r["citizenship"] for r in out] == ["TJ", "KG", None, None]
    assert [r["answered"] for r in out] == [
        "vic_TypeOfExploitation,vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "",
        "",
    ]
