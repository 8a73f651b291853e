from collections import Counter

import pandas as pd
import pytest
from django.conf import settings

from himoya.cases.models import Case, CaseCode
from himoya.interop.actions import do_import
from himoya.interop.models import ImportedRecord
from himoya.vocab import ctdc as mapping
from himoya.vocab import registry

KANON = "ctdc/ctdc_global_kanon_2021-07-15.feather"


@pytest.mark.django_db
def test_the_global_ctdc_file_is_refused_as_cases_and_points_to_the_reference_area(org, importer):
    from himoya.interop.results import ForeignDataError

    with pytest.raises(ForeignDataError) as exc:
        do_import(org, settings.HIMOYA_SHARED_DATA / KANON, "ctdc", acting_user=importer)
    assert (exc.value.concerning, exc.value.rows) == (88, 97_750)
    assert not Case.objects.exists()


def _as_national(tmp_path):
    """The global rows as if one country had recorded them all (its own data, CTDC layout)."""
    import pyarrow.feather as feather

    from himoya.interop.tests.test_round_trips import as_national

    table = as_national(feather.read_table(settings.HIMOYA_SHARED_DATA / KANON))
    path = tmp_path / "national.feather"
    feather.write_feather(table, str(path))
    return path


@pytest.mark.django_db
def test_the_real_ctdc_kanon_file_imports_with_the_same_counts(org, importer, tmp_path):
    """Every one of the 97,750 rows becomes a case; counts match pandas on the source."""
    path = _as_national(tmp_path)
    source = pd.read_feather(path)
    result = do_import(org, path, "ctdc", acting_user=importer)
    assert result["imported"] and result["invalid_rows"] == 0, result["errors"][:3]
    assert result["created"] == len(source) == 97_750

    cases = Case.objects.filter(organisation=org)
    undated = set(ImportedRecord.objects.values_list("case_id", flat=True))
    by_year = Counter(
        None if pk in undated else day.year for pk, day in cases.values_list("id", "registered_on")
    )
    expected_years = source["yearOfRegistration"].value_counts(dropna=False)
    assert by_year == {(None if pd.isna(y) else int(y)): n for y, n in expected_years.items()}

    sex_of = {e.extra["ctdc"]: e.code for e in registry.codelist("sex") if e.extra.get("ctdc")}
    by_sex = Counter(cases.values_list("sex", flat=True))
    expected_sex = source["gender"].map(sex_of).fillna("").value_counts()
    assert by_sex == dict(expected_sex.items())

    by_type = Counter(
        CaseCode.objects.filter(case__organisation=org, field="exploitation_types").values_list(
            "code", flat=True
        )
    )
    expected_types = {}
    for code in {c for lst, c in mapping.CTDC_TO_HTCDS.values() if lst == mapping.EXPLOITATION}:
        columns = [
            col
            for col, (lst, c) in mapping.CTDC_TO_HTCDS.items()
            if (lst, c) == (mapping.EXPLOITATION, code)
        ]
        hits = int((source[columns] == 1).any(axis=1).sum())
        if hits:
            expected_types[code] = hits
    assert by_type == expected_types
    assert Case.objects.filter(source_key__startswith="ctdc:").count() == 97_750
    # The case list's exploitation filter reads the codes copied onto the case row.
    for code, hits in expected_types.items():
        assert cases.filter(exploitation_codes__contains=f"|{code}|").count() == hits
