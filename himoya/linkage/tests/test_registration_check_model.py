"""With a trained model, the registration check scores with it: the caseworker's notice
inside her organisation, the national queue for another body's record."""

from datetime import date

import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.linkage import candidates, registration
from himoya.linkage.models import CandidatePair, LinkageModel, PossibleDuplicate
from himoya.linkage.tests.model_fixtures import active_model, crowd, person
from himoya.stats.tests.factories import register

pytestmark = pytest.mark.django_db
ON = date(2026, 3, 1)


@pytest.fixture
def orgs(make_org, make_user):
    shelter, police = make_org("shelter"), make_org("police")
    crowd(make_org("ngo"))  # realistic name frequencies for the model
    from himoya.cases.models import Person

    Person.refresh_all_blind_indexes()
    return (shelter, make_user(shelter, Role.CASEWORKER)), (police, make_user(police))


@pytest.fixture
def add(django_capture_on_commit_callbacks):
    def do(org_user, data):
        with django_capture_on_commit_callbacks(execute=True):
            return register(*org_user, on=ON, person=data)

    return do


def test_another_bodys_record_is_queued_with_the_models_probability(orgs, add, client, login):
    shelter, police = orgs
    model = active_model()
    known = add(shelter, person("Ҷамшед", "Раҳимов", sex="male"))
    new = add(police, person("Dzhamshed", "Rakhimzoda", latin=True, sex="male"))
    row = CandidatePair.objects.get()
    assert (row.first_id, row.second_id) == (known.person_id, new.person_id)
    assert row.model == model and row.probability >= model.review_threshold
    assert not PossibleDuplicate.objects.exists()
    queued = candidates.candidate_pairs()
    assert [(p.first.pk, p.second.pk) for p in queued] == [(known.person_id, new.person_id)]
    login(police[1])
    page = client.get(reverse("case_detail", args=[new.pk])).content.decode()
    assert known.reference not in page and "possible-duplicates" not in page


def test_a_record_of_her_own_organisation_is_a_notice_scored_by_the_model(orgs, add):
    shelter, _police = orgs
    active_model()
    first = add(shelter, person("Ҷамила", "Раҳимова", "Каримовна"))
    second = add(shelter, person("Djamila", "Rakhimova", "Karimovna", latin=True))
    notice = PossibleDuplicate.objects.get()
    assert (notice.person_id, notice.other_id) == (second.person_id, first.person_id)
    found = dict(registration.find_likely_matches(second.person, 0.5, LinkageModel.current()))
    assert found[first.person] == pytest.approx(notice.score)
    assert not CandidatePair.objects.exists()
