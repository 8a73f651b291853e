import pytest
from django.db import connection

from himoya.access.roles import Role
from himoya.cases.models import Person, PersonNameToken, name_token_hash
from himoya.cases.names import name_key
from himoya.cases.tests.factories import register_case


@pytest.mark.django_db
def test_raw_person_row_holds_no_plaintext_name(org, make_user):
    case = register_case(org, make_user(org, Role.CASEWORKER))
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM cases_person WHERE id = %s", [case.person_id])
        row = " ".join(str(v) for v in cur.fetchone())
        cur.execute("SELECT token_hash FROM cases_personnametoken")
        tokens = " ".join(r[0] for r in cur.fetchall())
    for plain in ("Ҷамшед", "Раҳимов", "Jamshed", "jamSed", "rahimov"):
        assert plain not in row
        assert plain not in tokens
    assert Person.objects.get(pk=case.person_id).given_name == "Ҷамшед"


@pytest.mark.django_db
def test_name_tokens_are_keyed_hashes_of_phonetic_keys(org, make_user):
    case = register_case(org, make_user(org, Role.CASEWORKER))
    hashes = set(case.person.name_tokens.values_list("token_hash", flat=True))
    assert name_token_hash(name_key("Джамшед")) in hashes
    assert name_token_hash(name_key("Jamshed")) in hashes


@pytest.mark.django_db
def test_refresh_blind_indexes_rebuilds_tokens(org, make_user):
    case = register_case(org, make_user(org, Role.CASEWORKER))
    PersonNameToken.objects.all().delete()
    assert Person.refresh_all_blind_indexes() == 1
    # two whole words (jamsed, rahimov) and their beginnings from three letters on
    assert case.person.name_tokens.count() == 2 + 3 + 4
    person = case.person
    person.family_name = "Ғафуров"
    person.save()
    person.refresh_blind_indexes()
    assert person.name_tokens.filter(token_hash=name_token_hash(name_key("Gafurov"))).exists()
    assert not person.name_tokens.filter(token_hash=name_token_hash(name_key("Rahimov"))).exists()
