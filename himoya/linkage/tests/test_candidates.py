"""Candidate pairs, the officer's review pages, and their effect on the national count."""

from datetime import date

import pytest

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.linkage import actions, candidates
from himoya.linkage.models import PairDecision
from himoya.stats import engine, periods
from himoya.stats.indicators import INDICATORS
from himoya.stats.tests.factories import register

pytestmark = pytest.mark.django_db
BORN = date(1994, 5, 17)


def person(given, family, *, latin=False, born=BORN, sex="female", age=None, **extra):
    keys = ("given_name_latin", "family_name_latin") if latin else ("given_name", "family_name")
    data = {keys[0]: given, keys[1]: family, "sex": sex, "age_at_identification": 31}
    if born:
        data["date_of_birth"] = born
    if age:
        data["approximate_age"] = age
    return data | extra


@pytest.fixture
def world(make_org, make_user):
    """A shelter writes the woman in Cyrillic, the police in Latin letters."""
    shelter, police = make_org("shelter"), make_org("police")
    officer = make_user(make_org("commission", is_national=True), Role.LINKAGE_OFFICER)
    sw, pw = make_user(shelter), make_user(police)

    def add(org, worker, data):
        return register(org, worker, on=date(2026, 3, 1), person=data).person

    return {"shelter": (shelter, sw), "police": (police, pw), "officer": officer, "add": add}


def ids(pairs):
    return {(p.first.pk, p.second.pk) for p in pairs}


def test_cyrillic_and_latin_spellings_across_two_organisations_are_proposed(world):
    add = world["add"]
    a = add(*world["shelter"], person("Ҷамила", "Раҳимова"))
    b = add(*world["police"], person("Djamila", "Rakhimova", latin=True))
    add(*world["police"], person("Djamila", "Rakhimova", latin=True, born=date(1990, 1, 1)))
    add(*world["police"], person("Djamila", "Rakhimova", latin=True, sex="male"))
    assert ids(candidates.candidate_pairs()) == {(a.pk, b.pk)}


def test_same_organisation_and_one_word_names_are_never_proposed(world):
    add = world["add"]
    add(*world["shelter"], person("Ҷамила", "Раҳимова"))
    add(*world["shelter"], person("Джамила", "Рахимова"))  # same body: its own duplicate
    add(*world["police"], person("Джамила", ""))  # one name word
    assert candidates.candidate_pairs() == []


def test_without_dates_of_birth_approximate_ages_within_a_year_match(world):
    add = world["add"]
    a = add(*world["shelter"], person("Ҷамила", "Раҳимова", born=None, age="30"))
    b = add(*world["police"], person("Jamila", "Rahimova", latin=True, born=None, age="31"))
    add(*world["police"], person("Jamila", "Rahimova", latin=True, born=None, age="33"))
    assert ids(candidates.candidate_pairs()) == {(a.pk, b.pk)}


def test_a_rejected_pair_returns_only_when_a_record_changes(world):
    add, officer = world["add"], world["officer"]
    a = add(*world["shelter"], person("Ҷамила", "Раҳимова"))
    b = add(*world["police"], person("Djamila", "Rakhimova", latin=True))
    actions.do_reject_pair(a, b, acting_user=officer)
    assert candidates.candidate_pairs() == []
    decision = PairDecision.objects.get()
    assert decision.decision == "rejected" and decision.decided_by == officer
    b.patronymic_latin = "Karimovna"
    b.save()
    b.refresh_blind_indexes()
    assert ids(candidates.candidate_pairs()) == {(a.pk, b.pk)}


def persons_count(org_ids=None):
    scope = engine.Scope(None if org_ids is None else frozenset(org_ids), False)
    return engine.compute(INDICATORS["persons"], periods.year(2026), scope, ()).total.current


def test_confirm_links_the_pair_and_unlink_restores_the_count(world, client, login):
    add, officer = world["add"], world["officer"]
    a = add(*world["shelter"], person("Ҷамила", "Раҳимова"))
    b = add(*world["police"], person("Djamila", "Rakhimova", latin=True))
    orgs = [world["shelter"][0].pk, world["police"][0].pk]
    assert persons_count(orgs) == 2
    login(officer)
    url = f"/linkage/pair/{a.pk}/{b.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Раҳимова" not in body and "Rakhimova" not in body
    revealed = client.post(url, {"step": "reveal"}).content.decode()
    assert "Раҳимова" in revealed and "Rakhimova" in revealed
    views = AuditEvent.objects.filter(action="view_identity", actor=officer)
    assert {e.object_id for e in views} == {str(a.pk), str(b.pk)}
    assert client.post(url, {"step": "confirm"}).status_code == 302
    assert persons_count(orgs) == 1
    assert candidates.candidate_pairs() == []
    assert AuditEvent.objects.filter(detail=f"pair {a.pk}/{b.pk} confirmed").exists()
    assert url in client.get("/linkage/").content.decode()  # listed under linked records
    assert client.post(url, {"step": "unlink"}).status_code == 302
    assert persons_count(orgs) == 2
    assert AuditEvent.objects.filter(detail="unlinked 1 person record").exists()
    assert ids(candidates.candidate_pairs()) == {(a.pk, b.pk)}  # back for review


def test_caseworker_gets_403_and_unrelated_pair_is_404(world, client, login, make_user):
    add, officer = world["add"], world["officer"]
    a = add(*world["shelter"], person("Ҷамила", "Раҳимова"))
    b = add(*world["police"], person("Rustam", "Saidov", latin=True, sex="male"))
    login(world["shelter"][1])
    assert client.get("/linkage/").status_code == 403
    assert client.get(f"/linkage/pair/{a.pk}/{b.pk}/").status_code == 403
    login(officer)
    assert client.get("/linkage/").status_code == 200
    assert client.get(f"/linkage/pair/{a.pk}/{b.pk}/").status_code == 404
    assert client.post(f"/linkage/pair/{a.pk}/{b.pk}/", {"step": "confirm"}).status_code == 404
    assert not PairDecision.objects.exists()
