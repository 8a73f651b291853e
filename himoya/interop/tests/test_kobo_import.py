"""KoboToolbox exports of the HTCDS XLSForm import as well as ODK Central's."""

import pytest

from himoya.cases.models import Case
from himoya.interop.actions import do_import
from himoya.interop.tests.test_round_trips import records
from himoya.interop.tests.xlsform_fixtures import central_csv, kobo_csv

pytestmark = pytest.mark.django_db
COUNT = 12


@pytest.mark.parametrize("labels", [True, False])
def test_a_kobo_export_gives_the_same_cases_as_central(tmp_path, org, other_org, make_user, labels):
    central, kobo = tmp_path / "central.csv", tmp_path / "kobo.csv"
    central_csv(central, COUNT)
    kobo_csv(kobo, COUNT, labels=labels)
    assert ";" in kobo.read_text(encoding="utf-8").splitlines()[0]
    first = do_import(org, central, "xlsform", acting_user=make_user(org))
    second = do_import(other_org, kobo, "xlsform", acting_user=make_user(other_org))
    assert first["created"] == second["created"] == COUNT, second["errors"][:3]
    assert records(other_org) == records(org)
    # Every select_multiple answer came through (not only the first choice, not nothing).
    assert Case.objects.filter(organisation=other_org, codes__isnull=False).distinct().count() == (
        COUNT
    )


def test_a_kobo_export_imported_again_adds_nothing(tmp_path, org, importer):
    kobo = tmp_path / "kobo.csv"
    kobo_csv(kobo, COUNT)
    assert do_import(org, kobo, "xlsform", acting_user=importer)["created"] == COUNT
    again = do_import(org, kobo, "xlsform", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == COUNT


def test_the_same_submissions_from_kobo_and_from_central_are_one_set(tmp_path, org, importer):
    central, kobo = tmp_path / "central.csv", tmp_path / "kobo.csv"
    central_csv(central, COUNT)
    kobo_csv(kobo, COUNT)
    assert do_import(org, central, "xlsform", acting_user=importer)["created"] == COUNT
    again = do_import(org, kobo, "xlsform", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == COUNT


def test_a_kobo_xlsx_export_with_labels_imports(tmp_path, org, other_org, make_user):
    from himoya.interop.tabular import read_table, write_xlsx

    central, kobo = tmp_path / "central.csv", tmp_path / "kobo.csv"
    central_csv(central, COUNT)
    kobo_csv(kobo, COUNT)
    xlsx = tmp_path / "kobo.xlsx"  # KoboToolbox's default download
    write_xlsx(xlsx, read_table(kobo))
    do_import(org, central, "xlsform", acting_user=make_user(org))
    result = do_import(other_org, xlsx, "xlsform", acting_user=make_user(other_org))
    assert result["created"] == COUNT, result["errors"][:3]
    assert records(other_org) == records(org)
