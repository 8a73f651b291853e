import pytest

from himoya.cases.models import Case
from himoya.interop import xlsform
from himoya.interop.actions import do_import
from himoya.interop.tests.xlsform_fixtures import (
    central_csv,
    instance_xml,
    instances_zip,
    official_form,
    submissions,
)


def test_importer_knows_every_question_of_the_official_form():
    questions, _choices = official_form()
    kinds = ("select_one", "select_multiple", "text", "date")
    answered = [n for t, n in questions if t.split(" ")[0] in kinds]
    assert answered == [q for q, _f in xlsform.QUESTIONS]


@pytest.mark.django_db
def test_central_csv_export_of_the_official_form_imports(tmp_path, org, importer):
    path = tmp_path / "htcds_xlsform.csv"
    central_csv(path, 12)
    result = do_import(org, path, "xlsform", acting_user=importer)
    assert result["imported"] and result["created"] == 12, result["errors"][:3]
    iid, answers, _when = next(submissions(1))
    case = Case.objects.get(organisation=org, source_key=f"xlsform:{iid}")
    codes = {(c.field, c.code) for c in case.codes.all()}
    for code in answers["vic_TypeOfExploitation"].split():
        assert ("exploitation_types", code) in codes
    assert case.citizenship == answers["prs_Citizenship"]
    assert case.registered_on.isoformat() == "2024-01-10"


@pytest.mark.django_db
def test_xml_instances_of_the_official_form_import(tmp_path, org, importer):
    path = tmp_path / "instances.zip"
    instances_zip(path, 5)
    assert do_import(org, path, "xlsform", acting_user=importer)["created"] == 5
    single = tmp_path / "one.xml"
    iid, answers, when = next(submissions(1))
    single.write_bytes(instance_xml("uuid:00000000-0000-0000-0000-0000000000ff", answers, when))
    assert do_import(org, single, "xlsform", acting_user=importer)["created"] == 1
    assert Case.objects.filter(organisation=org).count() == 6


@pytest.mark.django_db
def test_reimporting_submissions_adds_nothing(tmp_path, org, importer):
    path = tmp_path / "subs.csv"
    central_csv(path, 4)
    do_import(org, path, "xlsform", acting_user=importer)
    zipped = tmp_path / "same.zip"
    instances_zip(zipped, 4)  # the same submissions, as XML
    again = do_import(org, zipped, "xlsform", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == 4
    assert Case.objects.filter(organisation=org).count() == 4


def _spoil_third(rows):
    iid, answers, when = rows[2]
    rows[2] = (iid, {**answers, "prs_Gender": "Female"}, when)


@pytest.mark.django_db
@pytest.mark.parametrize("shape", ["csv", "zip"])
def test_a_bad_submission_imports_nothing_and_is_reported(tmp_path, org, importer, shape):
    path = tmp_path / f"subs.{shape}"
    (central_csv if shape == "csv" else instances_zip)(path, 4, change=_spoil_third)
    result = do_import(org, path, "xlsform", acting_user=importer)
    assert not result["imported"] and Case.objects.count() == 0
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(3, "prs_Gender")]
    skipped = do_import(org, path, "xlsform", acting_user=importer, skip_invalid=True)
    assert skipped["created"] == 3 and Case.objects.count() == 3


@pytest.mark.django_db
def test_kobo_csv_with_group_paths_and_choice_columns_imports(tmp_path, org, importer):
    """KoboToolbox: "group/question" headers, one 0/1 column per choice, `_uuid`."""
    import csv

    rows = list(submissions(3))
    names = list(rows[0][1])
    header = [f"case/{q}" for q in names]
    extra = ["case/vic_TypeOfExploitation/ForcedLabour", "meta/instanceID", "_uuid", "_id"]
    path = tmp_path / "kobo.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["start", "end", *header, *extra])
        for n, (iid, answers, when) in enumerate(rows):
            flag = "1" if "ForcedLabour" in answers["vic_TypeOfExploitation"].split() else "0"
            w.writerow([when, when, *[answers[q] for q in names], flag, iid, iid[5:], n + 1])
    result = do_import(org, path, "xlsform", acting_user=importer)
    assert result["created"] == 3, result["errors"][:3]
    iid, answers, _when = rows[1]
    case = Case.objects.get(source_key=f"xlsform:{iid}")
    assert sorted(case.codes.filter(field="means_of_control").values_list("code", flat=True)) == (
        sorted(c.strip() for c in answers["vic_Methods_of_Control"].split())
    )
