from himoya.crypto import checks
from himoya.crypto.keys import new_key_spec

from .conftest import K1, K2


def ids(found):
    return [m.id for m in found]


def test_unreadable_keys_fail_the_system_check(settings):
    settings.FIELD_KEY = "k1:short"
    settings.INDEX_KEY = "***"
    assert ids(checks.check_keys_parse()) == ["himoya.E002", "himoya.E003"]


def test_good_keys_pass(settings):
    settings.FIELD_KEY, settings.INDEX_KEY = f"{K2},{K1}", new_key_spec("idx")
    assert checks.check_keys_parse() == []
    assert checks.check_keys_for_production() == []


def test_deploy_check_warns_about_development_keys(settings):
    settings.FIELD_KEY, settings.INDEX_KEY = settings.DEV_FIELD_KEY, settings.DEV_FIELD_KEY
    assert "himoya.W001" in ids(checks.check_keys_for_production())


def test_deploy_check_warns_when_index_key_repeats_a_field_key(settings):
    settings.FIELD_KEY, settings.INDEX_KEY = f"{K2},{K1}", K1
    assert ids(checks.check_keys_for_production()) == ["himoya.W002"]
