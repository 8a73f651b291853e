"""The model's run over the register: sure pairs linked once, uncertain pairs queued."""

from datetime import date

import pytest

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases.models import Case
from himoya.linkage import actions, candidates
from himoya.linkage.models import CandidatePair, PersonLink
from himoya.linkage.tests.model_fixtures import active_model, add, crowd, person
from himoya.stats import engine, periods
from himoya.stats.indicators import INDICATORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_org, make_user):
    orgs = {slug: make_org(slug) for slug in ("hotline", "shelter", "police")}
    workers = {slug: make_user(org, Role.CASEWORKER) for slug, org in orgs.items()}
    crowd(make_org("ngo"))
    officer = make_user(make_org("commission", is_national=True), Role.LINKAGE_OFFICER)

    def at(slug, data):
        return add(orgs[slug], workers[slug], data)

    return {"orgs": orgs, "at": at, "officer": officer}


def count(org_ids=None):
    scope = engine.Scope(None if org_ids is None else frozenset(org_ids), False)
    return engine.compute(INDICATORS["persons"], periods.year(2026), scope, ()).total.current


def national(*persons):
    return {
        PersonLink.objects.filter(person=p).values_list("national_id", flat=True).first()
        for p in persons
    }


def test_a_person_of_three_organisations_is_linked_once_and_counts_once(world):
    at = world["at"]
    a = at("hotline", person("Ҷамила", "Раҳимова", "Қурбоновна"))
    b = at("shelter", person("Djamila", "Rakhimova", "Kurbonovna", latin=True))
    c = at("police", person("Джамила", "Рахимзода"))
    at("hotline", person("Зарина", "Назарова", born=date(1980, 1, 1)))
    active_model()
    before = {slug: count([org.pk]) for slug, org in world["orgs"].items()}
    assert count() == 4

    done = actions.do_run_linkage(acting_user=world["officer"])

    assert done["groups"] == 1
    assert len(national(a, b, c)) == 1 and None not in national(a, b, c)
    assert count() == 2
    assert {slug: count([org.pk]) for slug, org in world["orgs"].items()} == before
    assert Case.objects.filter(national_person_id__isnull=False).count() == 3
    assert AuditEvent.objects.filter(object_type="linkage.nationalperson").exists()
    assert AuditEvent.objects.filter(object_type="linkage.model").exists()
    # Reversible like any link.
    actions.do_unlink_person(c, acting_user=world["officer"])
    assert count() == 3


def test_a_pair_in_the_uncertain_band_goes_to_the_queue_most_likely_first(world):
    at = world["at"]
    d = at("shelter", person("Фарангис", "Сафарова", born=None, approximate_age="30"))
    e = at(
        "police",
        person(
            "Farangis",
            "Safarzoda",
            latin=True,
            born=None,
            approximate_age="33",
            region_of_origin="TJ-SU",
        ),
    )
    active_model()
    actions.do_run_linkage()
    row = CandidatePair.objects.get(first=d, second=e)
    assert 0.3 <= row.probability < 0.8
    assert not PersonLink.objects.exists()
    pairs = candidates.candidate_pairs()
    assert [(p.first.pk, p.second.pk) for p in pairs] == [(d.pk, e.pk)]
    assert pairs[0].probability == row.probability


def test_the_run_is_a_background_job_too(world):
    from himoya.core import jobs
    from himoya.linkage.jobs import RUN_JOB

    at = world["at"]
    at("hotline", person("Ҷамила", "Раҳимова", "Қурбоновна"))
    at("shelter", person("Djamila", "Rakhimova", "Kurbonovna", latin=True))
    active_model()
    row = jobs.Job.objects.create(kind=RUN_JOB, user=world["officer"], params={})
    done = jobs.execute(row.pk)
    assert done.state == jobs.Job.State.DONE, done.message
    assert done.result["groups"] == 1
