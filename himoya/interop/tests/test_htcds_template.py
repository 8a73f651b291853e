"""The real HTCDS 2.0 Excel template, filled with every value of every list: import →
export gives every column's tally back (yes, no and blank counted apart); the export,
imported again, adds nothing; consent answers become consent records."""

import datetime
from collections import Counter

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import load_workbook

from himoya.access.roles import Role
from himoya.cases.models import Case
from himoya.interop import fields as F
from himoya.interop import htcds
from himoya.interop.actions import do_export, do_import
from himoya.interop.validation import clean_record
from himoya.referrals.actions import consent_problem
from himoya.referrals.models import Consent
from himoya.vocab import registry

pytestmark = pytest.mark.django_db
TEMPLATE = "htcds/htcds_excel_spreadsheet_v2.0.xlsx"
ROWS = 24
LONG_REASON = "Moved abroad with her family; asked for no further contact."


def _cycle(values, i):
    return values[i % len(values)]


def filled_template(tmp_path):
    """The template with ROWS rows that between them use every value of every list."""
    wb = load_workbook(settings.HIMOYA_SHARED_DATA / TEMPLATE)
    ws = wb.worksheets[0]
    names = [str(c.value or "").strip() for c in ws[1]]
    labels = [str(c.value or "").strip() for c in ws[2]]
    column = {n: i + 1 for i, n in enumerate(names) if n}
    column["cas_ReasonForOutgoingReferral"] = labels.index("Reason for Outgoing Referral") + 1

    def codes(name):
        return registry.codes(F.BY_NAME[name].codelist)

    for i in range(ROWS):
        row = {
            "cas_CaseOwner": _cycle(["", "former.worker"], i),
            "prs_Salutation": _cycle(["", "Ms."], i),
            "prs_FirstName": f"Шахс {i}",
            "prs_SecondName": _cycle(["Раҳимова", "Karimov"], i),
            "con_Consent": _cycle(["TRUE", "FALSE", ""], i),
            "prs_Birthdate": datetime.date(1980 + i, 1 + i % 12, 1 + i),
            "prs_Gender": _cycle(codes("prs_Gender") + [""], i),
            "prs_Citizenship": _cycle(["TJ", "UZ", "AF", ""], i),
            "prs_Email": _cycle(["", f"p{i}@example.org"], i),
            "prs_MobilePhone": f"+992 93 555 {i:04d}",
            "prs_MailingStreet": _cycle(["кӯчаи Рӯдакӣ 10", "", "ул. Айни 5"], i),
            "prs_MailingCity": _cycle(["Душанбе", "Хуҷанд", ""], i),
            "prs_MailingState": _cycle(["", "Суғд"], i),
            "prs_MailingPostalCode": _cycle(["734000", "", ""], i),
            "prs_MailingCountry": _cycle(["TJ", ""], i),
            "vic_TraffickingStatus": _cycle(codes("vic_TraffickingStatus"), i),
            "vic_TraffickinStatusDecisionMakingOrg": _cycle(
                codes("vic_TraffickingStatusDecisionMakingOrg") + [""], i
            ),
            "vic_LocationOfRecruitment": _cycle(["Кӯлоб", ""], i),
            "vic_LocationOfExploitation": _cycle(["Москва", "", "Istanbul"], i),
            "cas_Status": _cycle(codes("cas_Status"), i),
            "cas_ReasonForCaseClosure": _cycle(["", "GoalsAchieved", LONG_REASON], i),
            "cas_ReferringOrganisation": _cycle(["", "IOM Tajikistan"], i),
            "cas_IncomingReferralDate": _cycle([None, datetime.date(2025, 3, 4)], i),
            "cas_ReferringPrimaryCaseWorker": _cycle(["", "Д. Саидова"], i),
            "cas_ReasonForIncomingReferral": _cycle(["", "Shelter needed"], i),
            "cas_IncomingReferralDetails": _cycle(["", "Came through the hotline."], i),
            "cas_ReferredOrganisation": _cycle(["Madad", ""], i),
            "cas_ReferredPrimaryCaseWorker": _cycle(["", "Н. Азизова"], i),
            "cas_ReasonForOutgoingReferral": _cycle(["Legal aid", ""], i),
            "cas_OutgoingReferralDate": _cycle([datetime.date(2025, 5, 6), None], i),
            "cas_OutgoingReferralDetails": _cycle(["", "Court hearing in May."], i),
        }
        for name in F.BY_NAME:
            if F.BY_NAME[name].kind == F.CODES:
                values = codes(name)
                row[name] = ";".join(sorted({_cycle(values, i), _cycle(values, i + 7)}))
        for name, value in row.items():
            if value not in ("", None):
                ws.cell(row=3 + i, column=column[name], value=value)
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    return path


def tallies(path) -> dict[str, Counter]:
    """Per standard field: how often each clean value occurs; blank is a value of its own."""
    out: dict[str, Counter] = {f.name: Counter() for f in F.FIELDS}
    for row, raw in htcds.read(path):
        errors: list = []
        record = clean_record(raw, row, errors)
        assert not errors, errors
        for f in F.FIELDS:
            value = record.get(f.name)
            value = tuple(value) if isinstance(value, list) else value
            out[f.name][None if value in ("", None, ()) else value] += 1
    return {k: v for k, v in out.items() if not k.startswith("himoya_")}


def test_the_filled_template_comes_back_column_for_column(tmp_path, org, importer):
    source = filled_template(tmp_path)
    result = do_import(org, source, "htcds", acting_user=importer)
    assert result["created"] == ROWS, result["errors"][:3]
    for name in ("prs_Gender", "prs_MailingCity", "cas_ReasonForCaseClosure"):
        assert name in result["kept_as_source"]
    before = tallies(source)
    assert before["prs_Gender"]["TransgenderMasculine"] and before["prs_Gender"]["NonConforming"]
    assert before["con_Consent"][False] and before["con_Consent"][None]
    for kind in ("xlsx", "csv"):
        out = tmp_path / f"export.{kind}"
        assert do_export(org, "htcds", out, acting_user=importer) == ROWS
        after = tallies(out)
        assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}


def test_the_organisations_own_export_is_not_imported_again(tmp_path, org, make_user):
    from himoya.stats.tests.factories import register

    worker = make_user(org, Role.CASEWORKER)
    do_import(org, filled_template(tmp_path), "htcds", acting_user=worker)
    register(org, worker, on=datetime.date(2026, 2, 1))  # a case made on the page
    for user in (worker, make_user(org, Role.ORG_ADMIN)):  # with and without identities
        out = tmp_path / f"own-{user.pk}.csv"
        assert do_export(org, "htcds", out, acting_user=user) == ROWS + 1
        again = do_import(org, out, "htcds", acting_user=worker)
        assert again["created"] == 0 and again["already_imported"] == ROWS + 1, again
    assert Case.objects.filter(organisation=org).count() == ROWS + 1


def test_the_same_rows_as_csv_are_already_there(tmp_path, org, importer):
    from himoya.interop.tabular import read_table, write_csv

    source = filled_template(tmp_path)
    do_import(org, source, "htcds", acting_user=importer)
    as_csv = tmp_path / "same.csv"
    write_csv(as_csv, read_table(source))
    again = do_import(org, as_csv, "htcds", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == ROWS


def test_consent_answers_become_consent_records_that_referrals_obey(tmp_path, org, importer):
    from himoya.audit.models import AuditEvent

    result = do_import(org, filled_template(tmp_path), "htcds", acting_user=importer)
    assert result["consents"] == 2 * ROWS // 3
    assert f"consents={2 * ROWS // 3}" in AuditEvent.objects.get(action="import").detail
    consents = Consent.objects.filter(case__organisation=org)
    assert consents.filter(status=Consent.Status.GIVEN).count() == ROWS // 3
    assert consents.filter(status=Consent.Status.REFUSED).count() == ROWS // 3
    assert Case.objects.filter(organisation=org, consents__isnull=True).count() == ROWS // 3
    refused = consents.filter(status=Consent.Status.REFUSED).first()
    assert refused.purpose == "assistance" and refused.organisation == org
    with translation.override("en"):
        assert consent_problem(refused, refused.case) == "The person refused this consent."


def test_rows_imported_before_content_keys_are_still_recognised(tmp_path, org, importer):
    from himoya.interop.results import file_hash

    source = filled_template(tmp_path)
    do_import(org, source, "htcds", acting_user=importer)
    # As an import before this version keyed them: the file's hash and the row number.
    for number, case in enumerate(Case.objects.filter(organisation=org).order_by("id"), 1):
        case.source_key = f"htcds:{file_hash(source)}:{number}"
        case.save(update_fields=["source_key"])
    again = do_import(org, source, "htcds", acting_user=importer)
    assert again["created"] == 0 and again["already_imported"] == ROWS
