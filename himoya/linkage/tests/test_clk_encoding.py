"""Linkage keys: one person in any script gives the same key; our wrapper is clkhash's."""

import warnings
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from himoya.linkage import clk

SECRET = "a-secret-both-countries-share-2026"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; the default language is Tajik."""
    translation.activate("en")


JAMSHED = {
    "tajik": ("Ҷамшед", "Раҳимов", "Қурбонович"),
    "russian": ("Джамшед", "Рахимов", "Курбонович"),
    "latin": ("Jamshed", "Rakhimov", "Qurbonovich"),
    "latin_dzh": ("Dzhamshed", "Rahimov", "Kurbonovich"),
}


def fields(given, family, patronymic="", born=date(1991, 4, 12), sex="m"):
    return clk.LinkageFields(
        given_name=clk.canonical_name(given),
        family_name=clk.canonical_name(family),
        patronymic=clk.canonical_name(patronymic),
        date_of_birth=born,
        sex=sex,
        year_of_birth=born.year if born else None,
    )


def keys(*records, secret=SECRET):
    return [clk.decode_clk(b64) for b64 in clk.encode(list(records), secret)]


def test_one_person_in_tajik_russian_and_latin_spellings_matches_above_the_threshold():
    encoded = keys(*(fields(*names) for names in JAMSHED.values()))
    tajik = encoded[0]
    for other in encoded[1:]:
        assert clk.dice(tajik, other) >= clk.DEFAULT_THRESHOLD
    # The canonical form makes these spellings identical, so their keys are too.
    assert clk.canonical_name("Ҷамшед") == clk.canonical_name("Dzhamshed") == "jamSed"


def test_one_typo_and_a_missing_patronymic_still_match():
    a, b = keys(fields("Зарина", "Назарова", "Алишеровна", sex="f"), fields("Zarina", "Nazarva"))
    assert clk.dice(a, b) >= clk.DEFAULT_THRESHOLD


def test_different_persons_do_not_match():
    jamshed, brother, stranger, woman = keys(
        fields(*JAMSHED["tajik"]),
        fields("Фирдавс", "Раҳимов", "Қурбонович", born=date(1994, 9, 1)),
        fields("Алишер", "Назаров", "Умедович", born=date(1991, 4, 12)),
        fields("Малика", "Шарипова", "Исмоиловна", born=date(1988, 1, 30), sex="f"),
    )
    for other in (brother, stranger, woman):
        assert clk.dice(jamshed, other) < clk.DEFAULT_THRESHOLD


def test_the_wrapper_gives_exactly_what_clkhash_gives_for_the_same_schema_and_secret():
    from clkhash import schema as clkhash_schema
    from clkhash.clk import generate_clks
    from clkhash.serialization import serialize_bitarray

    records = [fields(*names) for names in JAMSHED.values()]
    records.append(clk.LinkageFields(given_name="malika", family_name="Saripova", sex="f"))
    records.append(clk.LinkageFields())
    schema = clkhash_schema.from_json_file(clk.SCHEMA_FILE.open(encoding="utf-8"))
    rows = [
        ["7", r.given_name, r.family_name, r.patronymic,
         r.date_of_birth.isoformat() if r.date_of_birth else "",
         r.date_of_birth.isoformat() if r.date_of_birth else "", r.sex,
         str(r.year_of_birth or "")]
        for r in records
    ]  # fmt: skip
    theirs = [serialize_bitarray(c) for c in generate_clks(rows, schema, SECRET)]
    assert clk.encode(records, SECRET) == theirs
    assert clk.encode(records, SECRET + "x") != theirs


def test_a_key_under_another_secret_does_not_resemble_ours():
    ours, theirs = keys(fields(*JAMSHED["tajik"])), keys(fields(*JAMSHED["tajik"]), secret="x" * 20)
    assert clk.dice(ours[0], theirs[0]) < 0.6


def test_the_secret_is_required_and_long_enough(settings):
    settings.HIMOYA_LINKAGE_SECRET = ""
    with pytest.raises(ImproperlyConfigured, match="HIMOYA_LINKAGE_SECRET is not set"):
        clk.linkage_secret()
    settings.HIMOYA_LINKAGE_SECRET = "short"
    with pytest.raises(ImproperlyConfigured, match="at least 16"):
        clk.linkage_secret()


def test_the_fingerprint_is_not_the_secret_and_tells_secrets_apart():
    fingerprint = clk.secret_fingerprint(SECRET)
    assert SECRET not in fingerprint and len(fingerprint) == 64
    assert fingerprint == clk.secret_fingerprint(SECRET)
    assert fingerprint != clk.secret_fingerprint(SECRET + "!")


def test_year_of_birth_comes_from_the_date_or_the_approximate_age():
    assert clk.year_of_birth(date(1990, 5, 1), "40", 2026) == 1990
    assert clk.year_of_birth(None, "30", 2026) == 1996
    assert clk.year_of_birth(None, "25-35", 2026) == 1996
    assert clk.year_of_birth(None, "", 2026) is None


def test_importing_anonlink_through_the_wrapper_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert clk._anonlink().solving.greedy_solve
