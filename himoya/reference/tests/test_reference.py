"""The global CTDC file goes to the reference area: never cases, never national figures."""

from datetime import date

import pandas as pd
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from himoya.access.roles import Role
from himoya.cases.models import Case
from himoya.organisations.models import Organisation
from himoya.reference.models import Dataset, Record
from himoya.stats import engine, periods, protection
from himoya.stats.indicators import INDICATORS
from himoya.stats.tests.factories import register

KANON = "ctdc/ctdc_global_kanon_2021-07-15.feather"

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(org, make_user):
    worker = make_user(org, Role.CASEWORKER)
    for year in (2018, 2019, 2019):
        register(org, worker, on=date(year, 5, 1), citizenship="TJ")
    return org


def figures() -> dict:
    table = engine.compute(
        INDICATORS["persons"],
        periods.custom(date(2002, 1, 1), date(2021, 12, 31)),
        engine.Scope(None, False),
        ("year", "citizenship"),
        compare=False,
    )
    return {c.key: c.current for c in table.cells}


def test_loading_the_global_file_leaves_the_national_figures_unchanged(national):
    before = figures()
    call_command("reference", "load", "ctdc", str(settings.HIMOYA_SHARED_DATA / KANON))
    assert figures() == before
    assert Case.objects.count() == 3
    dataset = Dataset.objects.get()
    source = pd.read_feather(settings.HIMOYA_SHARED_DATA / KANON)
    assert dataset.records == Record.objects.count() == len(source) == 97_750
    tj = source[source["citizenship"] == "TJ"]
    assert Record.objects.filter(citizenship="TJ").count() == len(tj)
    assert Record.objects.filter(forced_labour=True).count() == int(
        (source["isForcedLabour"] == 1).sum()
    )


def test_the_same_file_is_not_loaded_twice(db):
    path = str(settings.HIMOYA_SHARED_DATA / KANON)
    call_command("reference", "load", "ctdc", path)
    with pytest.raises(CommandError, match="already"):
        with translation.override("en"):
            call_command("reference", "load", "ctdc", path)
    assert Dataset.objects.count() == 1


def test_comparison_page_puts_the_register_beside_the_reference(
    national, client, login, make_org, make_user
):
    call_command(
        "reference",
        "load",
        "ctdc",
        str(settings.HIMOYA_SHARED_DATA / KANON),
        "--name",
        "CTDC K-anon 2021",
        "--source-date",
        "2021-07-15",
    )
    analyst = make_user(
        make_org("commission", kind=Organisation.Kind.MINISTRY, is_national=True), Role.ANALYST
    )
    analyst.language = "en"
    analyst.save(update_fields=["language"])
    login(analyst)
    response = client.get("/reference/?citizenship=TJ&first=2002&last=2021")
    assert response.status_code == 200
    page = response.content.decode()
    assert "CTDC K-anon 2021" in page and "victim records" in page and "cell-key" in page
    rows = {r["year"]: r for r in response.context["rows"]}
    source = pd.read_feather(settings.HIMOYA_SHARED_DATA / KANON)
    tj = source[source["citizenship"] == "TJ"]
    for year, count in tj["yearOfRegistration"].dropna().astype(int).value_counts().items():
        assert rows[year]["reference"]["total"] == count
    shown = rows.get(2019, {}).get("national", {}).get("total", 0)
    # Protected for the analyst: never shown as 2, and a figure the rule can give for 2.
    assert shown != 2 and 2 in protection.possible_true_counts(shown)


def test_caseworker_without_statistics_cannot_open_the_comparison(client, login, org, make_user):
    login(make_user(org, Role.RESPONDER))
    assert client.get("/reference/").status_code == 403


def test_import_of_the_global_file_as_cases_points_to_the_reference_loader(org, make_user):
    with translation.override("en"), pytest.raises(CommandError, match="reference load ctdc"):
        call_command("import", "ctdc", str(settings.HIMOYA_SHARED_DATA / KANON), "--org", org.slug)
    assert not Case.objects.exists()
