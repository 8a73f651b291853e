"""Releases: k-anonymity measured by pycanon, re-identification never below k, synthetic
data within the report's error, and every bad request refused with its reason."""

import io

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pycanon import anonymity

from himoya.audit.models import AuditEvent
from himoya.core import jobs
from himoya.publish import actions
from himoya.publish import fields as F
from himoya.publish.models import BudgetSpend, Release
from himoya.publish.tests.conftest import END, START

FIELDS = [*F.DEFAULT_QUASI_IDENTIFIERS, *F.DEFAULT_SENSITIVE]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _prepare(user, **overrides):
    values = (
        dict(
            title="National contribution to CTDC",
            method=Release.Method.KANON,
            period_start=START,
            period_end=END,
            statuses=[],
            border="all",
            fields=FIELDS,
            k=11,
            acting_user=user,
        )
        | overrides
    )
    release = actions.do_prepare_release(**values)
    jobs.execute(release.job_id)
    release.refresh_from_db()
    return release


def _frame(release, kind="csv") -> pd.DataFrame:
    content = bytes(release.files.get(kind=kind).content)
    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)


@pytest.mark.django_db
def test_k11_release_of_20000_cases_is_k_anonymous_by_pycanon(register_20000, coordinators):
    release = _prepare(coordinators[0])
    assert release.state == Release.State.PREPARED
    published = _frame(release)
    qis = release.quasi_identifiers
    assert len(published) > 15_000
    assert anonymity.k_anonymity(published, qis) >= 11
    measured_l = anonymity.l_diversity(published, qis, F.DEFAULT_SENSITIVE)
    assert measured_l == release.measurements["l_diversity"]
    m = release.measurements
    assert m["k_achieved"] >= 11
    assert m["persons"] == len(published) + m["suppressed_records"]
    # every published record could be at least k persons of the register
    assert m["reidentification"]["min"] >= 11 and m["reidentification"]["below_k"] == 0
    assert {f.kind for f in release.files.all()} >= {"csv", "feather", "dictionary", "report_pdf"}


@pytest.mark.django_db
def test_reidentification_count_is_measured_against_the_register(register_3000, coordinators):
    from himoya.publish import kanon, measure, population

    rows = population.rows(START, END, [], "all", FIELDS)
    register = pd.DataFrame(rows, columns=FIELDS)
    qis = F.DEFAULT_QUASI_IDENTIFIERS
    result = kanon.anonymise(register, qis, 25)
    reid = measure.reidentification(register, result, qis)
    # count by hand for the first published records
    general = kanon.generalise_like(register, result, qis)
    for _, record in result.data.head(50).iterrows():
        matches = (general[qis] == record[qis].values).all(axis=1).sum()
        assert matches >= 25
    assert reid["min"] >= 25


@pytest.mark.django_db
def test_synthetic_release_one_way_tables_within_the_stated_error(register_3000, coordinators):
    release = _prepare(coordinators[0], method=Release.Method.SYNTHETIC, epsilon=4.0, k=None)
    assert release.state == Release.State.PREPARED, release.job.message
    synthetic = _frame(release)
    from himoya.publish import population

    register = pd.DataFrame(population.rows(START, END, [], "all", FIELDS), columns=FIELDS)
    stated = release.measurements["utility"]["1way"]
    worst = worst_large = 0.0
    for field in FIELDS:
        real = register[field].map(lambda v: "" if v is None else str(v)).value_counts()
        made = synthetic[field].value_counts()
        for value, count in real.items():
            error = abs(made.get(value, 0) - count) / count
            if count >= 10:
                worst = max(worst, error)
            if count >= 500:
                worst_large = max(worst_large, error)
    assert worst <= stated["max"] + 1e-9
    assert worst_large < 0.1  # ε = 4 keeps the large cells close
    assert release.files.filter(kind="aggregates").exists()
    assert BudgetSpend.objects.get(release=release).epsilon == 4.0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"fields": [*FIELDS, "given_name"]}, "fields"),
        ({"fields": [*FIELDS, "registered_on"]}, "fields"),
        ({"k": 4}, "k"),
        ({"method": Release.Method.SYNTHETIC, "epsilon": 12.0}, "epsilon"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(db, coordinators, overrides, field):
    with pytest.raises(ValidationError) as exc:
        actions.do_prepare_release(
            title="x",
            method=overrides.pop("method", Release.Method.KANON),
            period_start=START,
            period_end=END,
            statuses=[],
            border="all",
            fields=overrides.pop("fields", FIELDS),
            acting_user=coordinators[0],
            **overrides,
        )
    assert field in exc.value.message_dict
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_small_population_and_self_approval_and_budget_are_refused(register_3000, coordinators):
    import datetime

    with pytest.raises(ValidationError, match="at least 100"):
        _prepare(
            coordinators[0],
            period_start=datetime.date(1990, 1, 1),
            period_end=datetime.date(1990, 12, 31),
        )
    release = _prepare(coordinators[0], method=Release.Method.SYNTHETIC, epsilon=6.0, k=None)
    with pytest.raises(ValidationError, match="second person"):
        actions.do_approve_release(release, acting_user=coordinators[0])
    actions.do_approve_release(release, acting_user=coordinators[1])
    assert AuditEvent.objects.filter(object_type="publish.release", detail="approved").exists()
    with pytest.raises(ValidationError, match="budget"):
        _prepare(coordinators[0], method=Release.Method.SYNTHETIC, epsilon=5.0, k=None)
    _prepare(coordinators[0], method=Release.Method.SYNTHETIC, epsilon=4.0, k=None)  # fits


@pytest.mark.django_db
def test_data_dictionary_in_three_languages(register_3000, coordinators):
    release = _prepare(coordinators[0])
    dictionary = _frame(release, "dictionary")
    assert list(dictionary.columns) == ["field", "tg", "ru", "en", "quasi_identifier"]
    row = dictionary.set_index("field").loc["gender"]
    assert row["en"] == "Sex of the person" and row["ru"] and row["tg"] and row["ru"] != row["en"]


@pytest.mark.django_db
def test_a_release_file_loads_back_as_reference_data(register_3000, coordinators, tmp_path):
    from himoya.reference.load import load_ctdc
    from himoya.reference.models import Record

    release = _prepare(coordinators[0], method=Release.Method.SYNTHETIC, epsilon=4.0, k=None)
    path = tmp_path / "release.csv"
    path.write_bytes(bytes(release.files.get(kind="csv").content))
    dataset = load_ctdc(path, name="Our 2026 release")
    published = _frame(release)
    assert dataset.records == len(published) == Record.objects.count()
    assert Record.objects.filter(citizenship="TJ").count() == int(
        (published["citizenship"] == "TJ").sum()
    )


@pytest.mark.django_db
def test_a_person_linked_across_organisations_is_one_record(make_org, make_user):
    from datetime import date

    from himoya.access.roles import Role
    from himoya.linkage.actions import do_link_persons
    from himoya.publish import population
    from himoya.stats.tests.factories import register

    cases = []
    for slug in ("ngo", "police"):
        org = make_org(slug)
        cases.append(register(org, make_user(org, Role.CASEWORKER), on=date(2026, 2, 1)))
    assert len(population.rows(START, END, [], "all", ["gender"])) == 2
    officer = make_user(make_org("commission", is_national=True), Role.LINKAGE_OFFICER)
    do_link_persons([c.person for c in cases], acting_user=officer)
    assert len(population.rows(START, END, [], "all", ["gender"])) == 1


def test_countries_generalise_to_un_sub_regions_then_regions():
    from himoya.publish import kanon

    values = pd.Series(["TJ", "RU", "", "AE"])
    assert list(kanon.generalise(values, "citizenship", 1, set())) == [
        "Central Asia",
        "Eastern Europe",
        "",
        "Western Asia",
    ]
    assert list(kanon.generalise(values, "CountryOfExploitation", 2, set())) == [
        "Asia",
        "Europe",
        "",
        "Asia",
    ]
    assert set(kanon.generalise(values, "citizenship", 3, set())) == {"*"}
