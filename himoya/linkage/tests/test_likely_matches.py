"""One newly registered person scored against the register through the indexes."""

import pytest

from himoya.linkage import engine
from himoya.linkage.tests.model_fixtures import active_model, add, crowd, person

pytestmark = pytest.mark.django_db


def test_a_variant_spelling_is_found_among_the_register(make_org, make_user):
    shelter, police = make_org("shelter"), make_org("police")
    crowd(make_org("ngo"))
    from himoya.cases.models import Person

    Person.refresh_all_blind_indexes()
    known = add(shelter, make_user(shelter), person("Ҷамшед", "Раҳимов", sex="male"))
    add(shelter, make_user(shelter), person("Ҷамшед", "Каримов", sex="male"))
    new = add(police, make_user(police), person("Dzhamshed", "Rakhimzoda", latin=True, sex="male"))
    assert engine.likely_matches(new, threshold=0.5) == []  # no model yet
    active_model()
    found = engine.likely_matches(new, threshold=0.5)
    assert found and found[0][0] == known.pk and found[0][1] >= 0.5
    assert new.pk not in {pk for pk, _p in found}
