"""What the automatic run never does: link a bad record, or propose a rejected pair again."""

import pytest

from himoya.access.roles import Role
from himoya.linkage import actions
from himoya.linkage.models import CandidatePair, PersonLink
from himoya.linkage.tests.model_fixtures import active_model, add, crowd, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_org, make_user):
    shelter, police = make_org("shelter"), make_org("police")
    sw, pw = make_user(shelter), make_user(police)
    crowd(make_org("ngo"))
    officer = make_user(make_org("commission", is_national=True), Role.LINKAGE_OFFICER)
    return {
        "shelter": lambda d: add(shelter, sw, d),
        "police": lambda d: add(police, pw, d),
        "officer": officer,
    }


def test_records_with_one_name_word_or_none_are_never_linked_automatically(world):
    same = {"document_number": "A1234567", "phone": "+992901112233"}
    a = world["shelter"](person("Ҷамила", **same))
    b = world["police"](person("Djamila", latin=True, **same))
    world["shelter"](person(**same))  # no name at all
    active_model()
    actions.do_run_linkage()
    assert not PersonLink.objects.exists()
    queued = set(CandidatePair.objects.values_list("first_id", "second_id"))
    assert (a.pk, b.pk) in queued  # the officer may still review them


def test_a_rejected_pair_returns_only_when_a_record_changes(world):
    a = world["shelter"](person("Ҷамшед", "Раҳимов", "Қурбонович", sex="male"))
    b = world["police"](person("Dzhamshed", "Rakhimov", "Kurbonovich", latin=True, sex="male"))
    active_model()
    actions.do_reject_pair(a, b, acting_user=world["officer"])
    actions.do_run_linkage()
    assert not PersonLink.objects.exists()
    assert not CandidatePair.objects.exists()

    b.approximate_age = "31"  # a record changed: the decision no longer holds
    b.save()
    actions.do_run_linkage()
    assert PersonLink.objects.filter(person=a).exists()


def test_a_link_undone_by_the_officer_is_proposed_not_made_again(world):
    a = world["shelter"](person("Ҷамшед", "Раҳимов", "Қурбонович", sex="male"))
    b = world["police"](person("Dzhamshed", "Rakhimov", "Kurbonovich", latin=True, sex="male"))
    active_model()
    actions.do_run_linkage()
    assert PersonLink.objects.filter(person=a).exists()
    actions.do_unlink_person(b, acting_user=world["officer"])
    actions.do_run_linkage()
    assert not PersonLink.objects.exists()
    assert CandidatePair.objects.filter(first=a, second=b).exists()


def test_a_rejected_pair_is_not_linked_through_a_third_record(world, make_org, make_user):
    ngo = make_org("ngo2")
    worker = make_user(ngo)
    a = world["shelter"](person("Ҷамшед", "Раҳимов", "Қурбонович", sex="male"))
    b = world["police"](person("Dzhamshed", "Rakhimov", "Kurbonovich", latin=True, sex="male"))
    c = add(ngo, worker, person("Джамшед", "Рахимов", "Курбонович", sex="male"))
    active_model()
    actions.do_reject_pair(a, c, acting_user=world["officer"])
    actions.do_run_linkage()
    assert not PersonLink.objects.exists()  # A-B and B-C sure, but A-C rejected: review
    queued = set(CandidatePair.objects.values_list("first_id", "second_id"))
    assert {(a.pk, b.pk), (b.pk, c.pk)} <= queued and (a.pk, c.pk) not in queued


def test_two_records_of_one_organisation_are_never_linked_by_the_run(world):
    a = world["shelter"](person("Ҷамшед", "Раҳимов", "Қурбонович", sex="male"))
    b = world["police"](person("Dzhamshed", "Rakhimov", "Kurbonovich", latin=True, sex="male"))
    again = world["shelter"](person("Джамшед", "Рахимов", "Курбонович", sex="male"))
    active_model()
    actions.do_run_linkage()
    # Linking all three would lower the shelter's own count of persons: review instead.
    assert not PersonLink.objects.filter(person__in=[a, again]).exists()
    assert CandidatePair.objects.filter(first=a, second=b).exists()


def test_a_link_made_after_a_rejection_and_undone_is_not_made_again(world):
    a = world["shelter"](person("Ҷамшед", "Раҳимов", "Қурбонович", sex="male"))
    b = world["police"](person("Dzhamshed", "Rakhimov", "Kurbonovich", latin=True, sex="male"))
    active_model()
    actions.do_reject_pair(a, b, acting_user=world["officer"])
    b.approximate_age = "31"  # changed since: the rejection no longer holds
    b.save()
    actions.do_run_linkage()
    assert PersonLink.objects.filter(person=a).exists()
    actions.do_unlink_person(b, acting_user=world["officer"])
    actions.do_run_linkage()
    assert not PersonLink.objects.exists()
    assert CandidatePair.objects.filter(first=a, second=b).exists()


def test_a_pair_queued_at_registration_during_a_run_stays_queued(world, monkeypatch):
    from himoya.linkage import engine

    a = world["shelter"](person("Ҷамила", "Раҳимова", sex="female"))
    b = world["police"](person("Djamila", "Rakhimova", latin=True, sex="female", born=None))
    model = active_model()
    predict = engine.predict

    def predict_while_someone_registers(*args, **kwargs):
        scored = predict(*args, **kwargs)
        CandidatePair.objects.create(first=a, second=b, probability=0.4, model=model)
        return [s for s in scored if (s.first, s.second) != (a.pk, b.pk)]

    monkeypatch.setattr(engine, "predict", predict_while_someone_registers)
    actions.do_run_linkage()
    assert CandidatePair.objects.filter(first=a, second=b).exists()


def test_groups_reaching_one_national_person_become_one_in_bulk(world, make_org, make_user):
    from himoya.cases.models import Case

    ngo, hotline = make_org("ngo3"), make_org("hotline3")
    a = world["shelter"](person("Ҷамшед", "Раҳимов", sex="male"))
    b = world["police"](person("Dzhamshed", "Rakhimov", latin=True, sex="male"))
    c = add(ngo, make_user(ngo), person("Джамшед", "Рахимов", sex="male"))
    d = add(hotline, make_user(hotline), person("Jamshed", "Rahimov", latin=True, sex="male"))
    actions.do_link_persons([a, b], acting_user=world["officer"])
    links = dict(PersonLink.objects.values_list("person_id", "national_id"))
    # Two sure groups of the run, each touching the identity a-b from another side.
    wholes, held = actions._linkable_groups([{b.pk, c.pk}, {a.pk, d.pk}], links)
    assert wholes == [{a.pk, b.pk, c.pk, d.pk}] and held == set()
    actions._link_wholes(wholes, acting_user=None, request=None)
    national = min(p.pk for p in (a, b, c, d))
    assert set(PersonLink.objects.values_list("national_id", flat=True)) == {national}
    cases = Case.objects.filter(person__in=[a, b, c, d])
    assert {(x.national_person_id, x.shares_person) for x in cases} == {(national, True)}
