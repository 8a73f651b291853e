import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from himoya.crypto import keys
from himoya.crypto.keys import (
    DecryptionError,
    blind_index,
    decrypt,
    encrypt,
    key_id_of,
    normalise_for_index,
    parse_keys,
)

from .conftest import K1, K2


def test_value_round_trips_and_names_its_key(keyring):
    stored = encrypt("Нигора Раҳимова", "cases.person.name")
    assert stored.startswith("hx1:k1:")
    assert "Нигора" not in stored
    assert decrypt(stored, "cases.person.name") == "Нигора Раҳимова"


def test_same_value_encrypts_differently_each_time(keyring):
    assert encrypt("Ali", "c") != encrypt("Ali", "c")


def test_tampered_value_fails_authentication(keyring):
    stored = encrypt("Ali Karimov", "c")
    prefix, kid, b64 = stored.split(":", 2)
    blob = bytearray(base64.urlsafe_b64decode(b64))
    blob[-1] ^= 1
    forged = f"{prefix}:{kid}:{base64.urlsafe_b64encode(bytes(blob)).decode()}"
    with pytest.raises(DecryptionError, match="failed authentication"):
        decrypt(forged, "c")


@pytest.mark.parametrize("garbage", ["hx1:k1:!!!not-base64!!!", "hx1:k1:AAAA", "plain text", ""])
def test_malformed_values_raise_decryption_error(keyring, garbage):
    with pytest.raises(DecryptionError):
        decrypt(garbage, "c")


def test_value_moved_to_another_column_fails(keyring):
    stored = encrypt("1990-04-01", "cases.person.birth_date")
    with pytest.raises(DecryptionError):
        decrypt(stored, "cases.person.family_name")


def test_old_key_listed_second_still_decrypts(keyring):
    old = encrypt("Ali", "c")
    keyring(K2, K1)
    assert key_id_of(encrypt("Ali", "c")) == "k2"
    assert decrypt(old, "c") == "Ali"


def test_value_under_unlisted_key_names_the_missing_key(keyring):
    old = encrypt("Ali", "c")
    keyring(K2)
    with pytest.raises(DecryptionError, match="unknown key id 'k1'"):
        decrypt(old, "c")


def test_same_key_id_with_other_key_material_fails(keyring):
    stored = encrypt("Ali", "c")
    keyring("k1:" + K2.split(":")[1])
    with pytest.raises(DecryptionError, match="failed authentication"):
        decrypt(stored, "c")


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "nokeyid",
        "k1:c2hvcnQ",  # too short
        "k1:***",
        f"{K1},{K1}",  # the same id twice
        "bad id:" + K1.split(":")[1],
    ],
)
def test_bad_key_settings_are_refused(spec):
    with pytest.raises(ImproperlyConfigured):
        parse_keys(spec)


def test_new_key_spec_gives_a_usable_32_byte_key():
    spec = keys.new_key_spec("2026-11")
    ((kid, raw),) = parse_keys(spec)
    assert kid == "2026-11" and len(raw) == 32
    with pytest.raises(ValueError):
        keys.new_key_spec("no spaces")


def test_blind_index_ignores_case_spacing_and_legacy_glyphs():
    assert normalise_for_index("  ЉУРАЕВ   Њасан ") == "ҷураев ҳасан"
    assert blind_index("Ҷураев Ҳасан", "p.name") == blind_index("ЉУРАЕВ  Њасан", "p.name")
    assert blind_index("Ҷураев", "p.name") != blind_index("Ҷӯраев", "p.name")


def test_blind_index_separates_purposes_and_hides_the_value():
    index = blind_index("AB1234567", "p.passport")
    assert index != blind_index("AB1234567", "p.phone")
    assert len(index) == 64 and "1234567" not in index
    assert blind_index("", "p.name") == blind_index(None, "p.name") == ""


def test_blind_index_survives_field_key_rotation(keyring):
    before = blind_index("Ali", "p.name")
    keyring(K2, K1)
    assert blind_index("Ali", "p.name") == before
    keyring(K2)
    assert blind_index("Ali", "p.name") == before


def test_blind_index_depends_on_the_index_key(settings):
    before = blind_index("Ali", "p.name")
    settings.INDEX_KEY = K2
    assert blind_index("Ali", "p.name") != before
