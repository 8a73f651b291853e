"""The real CTDC K-anon file: import → export keeps every column's tally (0, 1, blank apart),
and the same rows in another file, or the organisation's own export, are not imported twice."""

from collections import Counter

import pyarrow.feather as feather
import pytest

from himoya.cases.models import Case
from himoya.interop import ctdc
from himoya.interop.actions import do_export, do_import
from himoya.interop.ctdc_read import batches
from himoya.interop.models import SourceFields
from himoya.interop.tests.test_round_trips import KANON, ctdc_sample
from himoya.vocab import ctdc as mapping

pytestmark = pytest.mark.django_db


def tallies(path) -> dict[str, Counter]:
    """Per column: how often each value occurs, blank (None) counted as a value of its own."""
    out: dict[str, Counter] = {c: Counter() for c in mapping.COLUMNS}
    for table in batches(path, ctdc.KNOWN):
        for column in mapping.COLUMNS:
            out[column].update(table[column].to_pylist())
    return out


def test_the_whole_kanon_file_comes_back_column_for_column(tmp_path, settings, org, importer):
    # Most of the file's records concern the United States: as that country's own data
    # the file is acceptable as cases (for Tajikistan it is refused as foreign data).
    settings.HIMOYA_COUNTRY = "US"
    source = settings.HIMOYA_SHARED_DATA / KANON
    result = do_import(org, source, "ctdc", acting_user=importer)
    assert result["created"] == 97_750, result["errors"][:3]
    for column in (
        "Datasource",
        "meansOfControlRestrictsMovement",
        "meansOfControlNotSpecified",
        "typeOfLabourIllicitActivities",
        "typeOfLabourOther",
        "typeOfLabourNotSpecified",
        "isAbduction",
        "recruiterRelationOther",
        "recruiterRelationUnknown",
    ):
        assert column in result["kept_as_source"]  # named in the report as kept source fields
    out = tmp_path / "export.csv"
    assert do_export(org, "ctdc", out, acting_user=importer) == 97_750
    before, after = tallies(source), tallies(out)
    changed = {c: (before[c], after[c]) for c in mapping.COLUMNS if before[c] != after[c]}
    assert changed == {}
    assert after["meansOfControlRestrictsMovement"][1] == 11_385
    assert after["meansOfControlNotSpecified"][1] == 51_078
    assert after["typeOfLabourIllicitActivities"][1] == 457
    assert after["typeOfLabourOther"][1] == 2_376
    assert after["typeOfLabourNotSpecified"][1] == 2_507
    assert after["isSexAndLabour"][1] == 1_412
    # The organisation's own export, imported again: every row is recognised.
    again = do_import(org, out, "ctdc", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == 97_750


def test_an_edited_case_exports_what_it_now_says(tmp_path, org, importer):
    from himoya.cases.models import CaseCode

    do_import(org, ctdc_sample(tmp_path, rows=300), "ctdc", acting_user=importer)
    kept = SourceFields.objects.filter(
        case__organisation=org, cells__meansOfControlRestrictsMovement=1
    ).first()
    assert kept is not None
    CaseCode.objects.filter(case=kept.case, field=CaseCode.Field.MEANS_OF_CONTROL).delete()
    out = tmp_path / "export.csv"
    do_export(org, "ctdc", out, acting_user=importer)
    rows = [r for r in ctdc.export_rows(Case.objects.filter(pk=kept.case_id))]
    assert rows[0]["meansOfControlRestrictsMovement"] in (0, None)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_same_rows_in_another_file_are_already_there(tmp_path, org, importer, kind):
    import pandas as pd

    path = ctdc_sample(tmp_path, rows=300)
    first = do_import(org, path, "ctdc", acting_user=importer)
    assert first["created"] == 300
    frame = pd.read_feather(path)
    other = tmp_path / f"same.{kind}"
    if kind == "csv":
        frame.to_csv(other, index=False)
    else:
        frame.to_excel(other, index=False)
    again = do_import(org, other, "ctdc", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == 300
    # Two more copies of rows already there are two more persons.
    doubled = tmp_path / "doubled.csv"
    pd.concat([frame, frame.iloc[:2]]).to_csv(doubled, index=False)
    more = do_import(org, doubled, "ctdc", acting_user=importer)
    assert more["created"] == 2 and more["already_imported"] == 300
    assert Case.objects.filter(organisation=org).count() == 302


def test_a_round_trip_of_a_sample_keeps_every_cell(tmp_path, org, importer):
    path = ctdc_sample(tmp_path, rows=500)
    do_import(org, path, "ctdc", acting_user=importer)
    out = tmp_path / "export.feather"
    do_export(org, "ctdc", out, acting_user=importer)
    assert tallies(out) == tallies(path)
    assert feather.read_table(str(out)).num_rows == 500


def test_ctdc_rows_imported_before_content_keys_are_still_recognised(tmp_path, org, importer):
    from himoya.interop.results import file_hash

    path = ctdc_sample(tmp_path, rows=100)
    do_import(org, path, "ctdc", acting_user=importer)
    for number, case in enumerate(Case.objects.filter(organisation=org).order_by("id"), 1):
        case.source_key = f"ctdc:{file_hash(path)}:{number:07d}"
        case.save(update_fields=["source_key"])
    again = do_import(org, path, "ctdc", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == 100
