"""“41 cases in January–September, 21 more than a year before (+105 %)”, whichever way
the cases arrive: registered on the page, imported from HTCDS, imported from an XLSForm."""

import datetime

import pytest

from himoya.interop.actions import do_import
from himoya.interop.tests.test_htcds_import import GOOD, write
from himoya.interop.tests.xlsform_fixtures import central_csv
from himoya.stats import engine, periods
from himoya.stats.indicators import INDICATORS

pytestmark = pytest.mark.django_db


def _dates() -> list[datetime.date]:
    before = [datetime.date(2025, 1 + i % 9, 3) for i in range(20)]
    now = [datetime.date(2026, 1 + i % 9, 5) for i in range(41)]
    late = [datetime.date(2026, 10, 1)]  # after September: not counted
    return before + now + late


def _statement():
    window = periods.january_to(2026, 9)
    scope = engine.Scope(None, False)
    out = {}
    for key in ("cases", "victims_identified"):
        total = engine.compute(INDICATORS[key], window, scope).total
        out[key] = (total.current, total.previous, total.change, total.percent)
    return out


EXPECTED = {"cases": (41, 20, 21, 105), "victims_identified": (41, 20, 21, 105)}


def test_by_htcds_import(tmp_path, org, importer):
    rows = [
        {
            **GOOD,
            "prs_FirstName": f"Шахс {i}",
            "vic_TraffickingStatus": "ActualVictimOfTrafficking",
            "vic_TraffickingStatusDecisionMakingOrg": "Police",
            "cas_IncomingReferralDate": day,
        }
        for i, day in enumerate(_dates())
    ]
    result = do_import(org, write(tmp_path, rows), "htcds", acting_user=importer)
    assert result["created"] == 62, result["errors"][:3]
    assert _statement() == EXPECTED


def test_by_xlsform_import(tmp_path, org, importer):
    days = _dates()

    def change(rows):
        for n, (iid, answers, _when) in enumerate(rows):
            answers["vic_TraffickingStatus"] = "ActualVictimOfTrafficking"
            answers["vic_TraffickingStatusDecisionMakingOrg"] = "Police"
            rows[n] = (iid, answers, f"{days[n].isoformat()}T10:00:00.000+05:00")

    path = tmp_path / "submissions.csv"
    central_csv(path, len(days), change=change)
    result = do_import(org, path, "xlsform", acting_user=importer)
    assert result["created"] == 62, result["errors"][:3]
    assert _statement() == EXPECTED


def test_by_the_pages(org, make_user):
    from himoya.access.roles import Role
    from himoya.cases import actions
    from himoya.stats.tests.factories import register

    org.requires_status_approval = False
    org.save(update_fields=["requires_status_approval"])
    worker = make_user(org, Role.SUPERVISOR)
    for day in _dates():
        case = register(org, worker, on=day)
        actions.do_identify_victim(case, decided_by="Police", decided_on=day, acting_user=worker)
    assert _statement() == EXPECTED
