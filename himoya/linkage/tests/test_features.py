"""Comparison records: one person's names meet across Tajik, Russian and Latin spellings."""

from datetime import date

from himoya.linkage import features


def rec(**fields):
    return features.record(1, organisation=1, **fields)


def test_tajik_russian_and_passport_spellings_give_the_same_keys():
    tajik = rec(given="Ҷамила", family="Раҳимова", patronymic="Қурбоновна")
    russian = rec(given="Джамила", family="Рахимова", patronymic="Курбоновна")
    latin = rec(given_latin="Djamila", family_latin="Rakhimova", patronymic_latin="Qurbonovna")
    for other in (russian, latin):
        for key in ("first_key", "surname_key", "patronymic_key", "surname_stem", "name_keys"):
            assert other[key] == tajik[key], key


def test_family_name_endings_share_one_stem():
    stems = {
        rec(given="Ҷамшед", family=name)["surname_stem"]
        for name in ("Раҳимов", "Раҳимова", "Раҳимзода")
    } | {
        rec(given_latin="Jamshed", family_latin=n)["surname_stem"]
        for n in ("Rahimzoda", "Rakhimov")
    }
    assert stems == {"rahim"}
    assert features.stem("aliev") == "ali" and features.stem("ali") == "ali"


def test_swapped_order_keeps_the_set_of_name_keys():
    a = rec(given="Мадина", family="Сафарова")
    b = rec(given="Сафарова", family="Мадина")
    assert a["name_keys"] == b["name_keys"] == ["madina", "safarova"]


def test_birth_year_from_the_date_or_from_an_approximate_age():
    assert rec(born=date(1990, 4, 2))["birth_year"] == 1990
    assert rec(born=date(1990, 4, 2))["dob"] == "1990-04-02"
    approx = rec(approximate_age="about 30", registered=date(2026, 3, 1))
    assert approx["birth_year"] == 1996 and approx["dob"] is None
    assert rec(approximate_age="unknown", registered=date(2026, 3, 1))["birth_year"] is None


def test_document_and_phone_are_compared_by_keyed_hash_only():
    a = rec(document="AB 123 4567", phone="+992 90 123 4567")
    b = rec(document="ab1234567", phone="+992901234567")
    assert a["doc_hash"] == b["doc_hash"] and a["phone_hash"] == b["phone_hash"]
    assert "1234567" not in str(a["doc_hash"]) + str(a["phone_hash"])
    assert rec(document="12")["doc_hash"] is None


def test_no_name_or_one_name_word_is_never_linkable():
    assert not rec()["linkable"]
    assert not rec(given="Ҷамила")["linkable"]
    assert not rec(given="Ҷамила", given_latin="Djamila")["linkable"]  # one word, two scripts
    assert rec(given="Ҷамила", family="Раҳимова")["linkable"]
