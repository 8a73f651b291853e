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
