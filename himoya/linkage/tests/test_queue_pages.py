"""The linkage officer's queue of model-scored pairs comes a page at a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from himoya.access.roles import Role
from himoya.linkage import actions, candidates
from himoya.linkage.models import CandidatePair
from himoya.linkage.tests.model_fixtures import active_model, add, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(make_org, make_user):
    """Sixty pairs of two organisations in the model's queue, and one of one organisation."""
    shelter, police = make_org("shelter"), make_org("police")
    sw, pw = make_user(shelter), make_user(police)
    model = active_model()
    pairs = []
    for n in range(60):
        a = add(shelter, sw, person(f"Name{n}", "Раҳимова"))
        b = add(police, pw, person(f"Name{n}", "Rakhimova", latin=True))
        pairs.append(
            CandidatePair.objects.create(first=a, second=b, probability=0.3 + n / 200, model=model)
        )
    c = add(shelter, sw, person("Ҷамила", "Каримова"))
    d = add(shelter, sw, person("Djamila", "Karimova", latin=True))
    CandidatePair.objects.create(first=c, second=d, probability=0.99, model=model)
    officer = make_user(make_org("commission", is_national=True), Role.LINKAGE_OFFICER)
    return pairs, officer


def test_the_queue_is_paged_most_likely_first_in_a_bounded_number_of_queries(queued):
    pairs, _officer = queued
    with CaptureQueriesContext(connection) as first_page:
        page, total = candidates.scored_pairs(1)
    assert total == 60  # the pair of one organisation is no pair to link
    assert len(page) == candidates.PAGE_SIZE
    assert page[0].first.pk == pairs[-1].first_id and page[0].probability == pytest.approx(0.595)
    rest, _total = candidates.scored_pairs(2)
    assert len(rest) == 10 and rest[-1].first.pk == pairs[0].first_id
    assert len(first_page.captured_queries) <= 6  # not one query per pair


def test_a_decided_pair_leaves_the_queue_and_a_linked_one_is_not_listed(queued):
    pairs, officer = queued
    top, second = pairs[-1], pairs[-2]
    actions.do_reject_pair(top.first, top.second, acting_user=officer)
    assert not CandidatePair.objects.filter(pk=top.pk).exists()
    actions.do_link_persons([second.first, second.second], acting_user=officer)
    page, total = candidates.scored_pairs(1)
    assert total == 58 and second.first_id not in {p.first.pk for p in page}


def test_the_officer_pages_through_the_queue_in_tajik(queued, client, login):
    _pairs, officer = queued
    login(officer)
    first = client.get(reverse("linkage_queue")).content.decode()
    assert "Саҳифаи 1 аз 2" in first and "?page=2" in first
    second = client.get(reverse("linkage_queue") + "?page=2").content.decode()
    assert "Саҳифаи 2 аз 2" in second
    assert client.get(reverse("linkage_queue") + "?page=x").status_code == 200
