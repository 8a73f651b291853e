"""The engine's figures over the real CTDC K-anon data equal pandas on the source file."""

import pandas as pd
import pytest
from django.conf import settings

from himoya.access.roles import Role
from himoya.interop.actions import do_import
from himoya.stats import engine, periods
from himoya.stats.indicators import INDICATORS
from himoya.vocab import ctdc as mapping
from himoya.vocab import registry

KANON = "ctdc/ctdc_global_kanon_2021-07-15.feather"


@pytest.mark.django_db
def test_victims_by_year_sex_and_exploitation_equal_pandas(org, make_user, tmp_path):
    import pyarrow.feather as feather

    from himoya.interop.tests.test_round_trips import as_national

    path = tmp_path / "national.feather"
    feather.write_feather(
        as_national(feather.read_table(settings.HIMOYA_SHARED_DATA / KANON)), str(path)
    )
    source = pd.read_feather(path)
    result = do_import(org, path, "ctdc", acting_user=make_user(org, Role.CASEWORKER))
    assert result["imported"], result["errors"][:3]

    dated = source[source["yearOfRegistration"].notna()].copy()
    dated["year"] = dated["yearOfRegistration"].astype(int).astype(str)
    first, last = int(dated["year"].min()), int(dated["year"].max())
    period = periods.custom(periods.year(first).start, periods.year(last).end)
    scope = engine.Scope(None, 0)
    sex_of = {e.extra["ctdc"]: e.code for e in registry.codelist("sex") if e.extra.get("ctdc")}
    dated["sex"] = dated["gender"].map(sex_of).fillna("")

    # Each CTDC row is a separate person, so victims = cases here.
    tables = engine.compute_many(
        INDICATORS["cases"],
        period,
        scope,
        [("year",), ("year", "sex"), ("year", "exploitation_type")],
    )

    by_year = {c.key[0]: c.current for c in tables[("year",)].cells}
    assert by_year == dated["year"].value_counts().to_dict()
    assert tables[("year",)].total.current == len(dated)

    by_year_sex = {(c.key[0], c.key[1] or ""): c.current for c in tables[("year", "sex")].cells}
    expected = dated.groupby(["year", "sex"]).size().to_dict()
    assert by_year_sex == expected

    by_year_type = {
        c.key: c.current for c in tables[("year", "exploitation_type")].cells if c.key[1]
    }
    expected_types = {}
    for code in {c for lst, c in mapping.CTDC_TO_HTCDS.values() if lst == mapping.EXPLOITATION}:
        columns = [
            col
            for col, pair in mapping.CTDC_TO_HTCDS.items()
            if pair == (mapping.EXPLOITATION, code)
        ]
        hits = dated[(dated[columns] == 1).any(axis=1)].groupby("year").size()
        expected_types.update({(year, code): int(n) for year, n in hits.items()})
    assert by_year_type == expected_types
