"""A linkage model trained once per test session on generated persons (real Splink)."""

from datetime import date
from functools import cache

from himoya.linkage import engine, synthetic
from himoya.linkage.models import LinkageModel
from himoya.stats.tests.factories import register

BORN = date(1994, 5, 17)


@cache
def trained_settings() -> dict:
    persons = synthetic.Generator(seed=3).persons(3000)
    return engine.train(list(synthetic.records(persons)))


def active_model(**thresholds) -> LinkageModel:
    return LinkageModel.objects.create(
        version=1, settings=trained_settings(), active=True, record_count=3000, **thresholds
    )


def person(given="", family="", patronymic="", *, latin=False, born=BORN, sex="female", **extra):
    suffix = "_latin" if latin else ""
    data = {
        f"given_name{suffix}": given,
        f"family_name{suffix}": family,
        f"patronymic{suffix}": patronymic,
        "sex": sex,
        "age_at_identification": 31,
        "region_of_origin": "TJ-KT",
    }
    if born:
        data["date_of_birth"] = born
    return data | extra


def add(org, worker, data, on=date(2026, 3, 1)):
    return register(org, worker, on=on, person=data).person


def crowd(org, count=300, seed=11):
    """Bulk-create other generated persons in `org`, so term frequencies are realistic."""
    from himoya.cases.models import Person

    people = synthetic.Generator(seed=seed, organisations=1).persons(count, duplicates=0)
    return Person.objects.bulk_create(
        [Person(organisation=org, **p.fields()) for p in people], batch_size=500
    )
