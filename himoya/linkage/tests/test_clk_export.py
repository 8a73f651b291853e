"""`himoya linkage-keys`: export the register's keys (audited) and match two key files."""

import csv
import os
import subprocess
import sys
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases.models import Person
from himoya.linkage import clk
from himoya.stats.tests.factories import register

pytestmark = pytest.mark.django_db
SECRET = "a-secret-both-countries-share-2026"
OTHER_SECRET = "the-secret-of-some-other-partner"


@pytest.fixture(autouse=True)
def linkage_secret(settings):
    settings.HIMOYA_LINKAGE_SECRET = SECRET


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; the default language is Tajik."""
    translation.activate("en")


def person(given, family, patronymic="", born=None, sex="female", **latin):
    return {
        "given_name": given,
        "family_name": family,
        "patronymic": patronymic,
        "date_of_birth": born,
        "sex": sex,
        **latin,
    }


@pytest.fixture
def register_of_two(make_org, make_user):
    """A shelter that writes Tajik and a police unit that writes Russian; one woman in both."""
    shelter, police = make_org("shelter"), make_org("police")
    writer = {org: make_user(org, Role.CASEWORKER) for org in (shelter, police)}
    on = date(2026, 3, 1)

    def add(org, data):
        return register(org, writer[org], on=on, person=data).person

    zarina_born = date(1999, 2, 3)
    people = {
        "zarina@shelter": add(shelter, person("Зарина", "Назарова", "Алишеровна", zarina_born)),
        "malika@shelter": add(shelter, person("Малика", "Шарипова", "", date(1988, 1, 30))),
        "nameless@shelter": add(shelter, person("", "", "", date(1990, 1, 1))),
        "zarina@police": add(police, person("Зарина", "Назарова", "Алишеровна", zarina_born)),
        "jamshed@police": add(
            police, person("Джамшед", "Рахимов", "Курбонович", date(1991, 4, 12), "male")
        ),
    }
    national = make_org("commission", is_national=True)
    officer = make_user(national, Role.LINKAGE_OFFICER, username="linker")
    return shelter, police, writer, officer, people


def test_the_officer_exports_every_person_with_a_full_name_and_the_export_is_audited(
    register_of_two, tmp_path
):
    _shelter, _police, _writer, officer, people = register_of_two
    out = tmp_path / "tj.keys"
    result = clk.do_export_keys(out, acting_user=officer, workers=1)
    assert (result.count, result.skipped) == (4, 1)
    keys = clk.read_key_file(out, SECRET)
    assert len(keys.ids) == 4 and keys.export_id == result.export_id
    assert out.stat().st_mode & 0o077 == 0  # its owner's alone
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_id=result.export_id)
    assert event.actor == officer and event.object_type == "linkage.keyfile"
    assert "4 persons" in event.detail
    # The ids are opaque, and only Himoya turns them back into its persons.
    found = clk.resolve_record_ids(
        keys.export_id, keys.ids, Person.objects.values_list("pk", flat=True)
    )
    assert set(found.values()) == {p.pk for k, p in people.items() if k != "nameless@shelter"}
    assert not {str(p.pk) for p in people.values()} & set(keys.ids)


def test_record_ids_are_new_in_every_export(register_of_two, tmp_path):
    officer = register_of_two[3]
    first = clk.do_export_keys(tmp_path / "1.keys", acting_user=officer, workers=1)
    second = clk.do_export_keys(tmp_path / "2.keys", acting_user=officer, workers=1)
    ids_1 = clk.read_key_file(tmp_path / "1.keys", SECRET).ids
    ids_2 = clk.read_key_file(tmp_path / "2.keys", SECRET).ids
    assert first.export_id != second.export_id and not set(ids_1) & set(ids_2)


def test_the_exported_file_holds_no_name_or_date_in_the_clear(register_of_two, tmp_path):
    out = tmp_path / "tj.keys"
    call_command("linkage-keys", "export", "--out", str(out), "--user", "linker")
    text = out.read_text()
    clear = ["Зарина", "Назарова", "Zarina", "Nazarova", "nazarova", "zarina", "Malika"]
    clear += ["Джамшед", "jamSed", "Rahimov", "rahimov", "1999", "1991", "1988", "02-03", "0203"]
    for value in clear:
        assert value not in text


def test_a_caseworker_exports_her_own_organisation_only(register_of_two, tmp_path):
    shelter, police, writer, _officer, _people = register_of_two
    user = writer[shelter].username
    out = tmp_path / "shelter.keys"
    call_command("linkage-keys", "export", "--out", str(out), "--organisation", "shelter",
                 "--user", user)  # fmt: skip
    assert len(clk.read_key_file(out, SECRET).ids) == 2  # the nameless record is left out
    for scope in (["--organisation", "police"], []):
        with pytest.raises(CommandError, match="may not export linkage keys"):
            call_command("linkage-keys", "export", "--out", str(tmp_path / "x"), *scope,
                         "--user", user)  # fmt: skip
    assert not (tmp_path / "x").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_a_refusal_reads_in_the_operators_language(register_of_two, tmp_path):
    translation.activate("ru")
    with pytest.raises(CommandError, match="не может выгружать ключи связывания"):
        call_command("linkage-keys", "export", "--out", str(tmp_path / "x"),
                     "--organisation", "police", "--user", "nobody")  # fmt: skip


def test_without_the_secret_the_command_refuses(settings, register_of_two, tmp_path):
    settings.HIMOYA_LINKAGE_SECRET = ""
    with pytest.raises(CommandError, match="HIMOYA_LINKAGE_SECRET is not set"):
        call_command("linkage-keys", "export", "--out", str(tmp_path / "x"), "--user", "linker")


def test_round_trip_two_organisations_export_and_match_find_the_shared_woman(
    register_of_two, tmp_path, capsys
):
    shelter, police, _writer, _officer, people = register_of_two
    a, b, pairs_csv = tmp_path / "shelter.keys", tmp_path / "police.keys", tmp_path / "pairs.csv"
    for org, out in ((shelter, a), (police, b)):
        call_command("linkage-keys", "export", "--out", str(out), "--organisation", org.slug,
                     "--user", "linker")  # fmt: skip
    call_command("linkage-keys", "match", str(a), str(b), "--threshold", "0.8",
                 "--out", str(pairs_csv))  # fmt: skip
    rows = list(csv.DictReader(pairs_csv.open()))
    assert len(rows) == 1 and float(rows[0]["score"]) == 1.0
    file_a, file_b = clk.read_key_file(a, SECRET), clk.read_key_file(b, SECRET)
    ids = Person.objects.values_list("pk", flat=True)
    assert clk.resolve_record_ids(file_a.export_id, [rows[0]["a"]], ids) == {
        rows[0]["a"]: people["zarina@shelter"].pk
    }
    assert clk.resolve_record_ids(file_b.export_id, [rows[0]["b"]], ids) == {
        rows[0]["b"]: people["zarina@police"].pk
    }
    assert "1 pairs written" in capsys.readouterr().out


def test_our_keys_match_a_partners_keys_made_from_latin_spellings(register_of_two, tmp_path):
    """The partner country writes its register in Latin; it encodes with clkhash directly."""
    from clkhash import schema
    from clkhash.clk import generate_clks
    from clkhash.serialization import serialize_bitarray

    ours = tmp_path / "tj.keys"
    call_command("linkage-keys", "export", "--out", str(ours), "--user", "linker")
    theirs_rows = [
        [
            "p-1",
            "jamSed",
            "rahimov",
            "kurbonovic",
            "1991-04-12",
            "1991-04-12",
            "m",
            "1991",
        ],  # Dzhamshed Rakhimov
        ["p-2", "anvar", "karimov", "", "1985-07-07", "1985-07-07", "m", "1985"],
    ]
    their_schema = schema.from_json_file(clk.SCHEMA_FILE.open(encoding="utf-8"))
    clks = [serialize_bitarray(c) for c in generate_clks(theirs_rows, their_schema, SECRET)]
    theirs = tmp_path / "kz.keys"
    theirs.write_text(clk.key_file_text("partner-export-1", ["p-1", "p-2"], clks, SECRET))
    pairs = clk.match(clk.read_key_file(ours, SECRET), clk.read_key_file(theirs, SECRET))
    assert [p.b for p in pairs] == ["p-1"]


def test_match_refuses_a_file_made_with_another_secret(register_of_two, tmp_path, settings):
    ours, theirs = tmp_path / "tj.keys", tmp_path / "other.keys"
    call_command("linkage-keys", "export", "--out", str(ours), "--user", "linker")
    settings.HIMOYA_LINKAGE_SECRET = OTHER_SECRET
    call_command("linkage-keys", "export", "--out", str(theirs), "--user", "linker")
    settings.HIMOYA_LINKAGE_SECRET = SECRET
    with pytest.raises(CommandError, match="other.keys is refused: made with another secret"):
        call_command("linkage-keys", "match", str(ours), str(theirs))


def test_the_command_exits_non_zero_with_a_clear_message_on_a_refused_file(tmp_path):
    good, bad = tmp_path / "good.keys", tmp_path / "bad.keys"
    good.write_text(clk.key_file_text("export-0001", [], [], SECRET))
    bad.write_text("name,date_of_birth\nZarina,1999-02-03\n")
    env = {**os.environ, "HIMOYA_LINKAGE_SECRET": SECRET,
           "DJANGO_SETTINGS_MODULE": "himoya.settings_test"}  # fmt: skip
    cmd = [sys.executable, "-c", "from himoya.cli import main; main()", "linkage-keys", "match"]
    done = subprocess.run([*cmd, str(good), str(bad)], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "bad.keys рад карда шуд: " in done.stderr  # in Tajik, the default language
    assert "Traceback" not in done.stderr and "Zarina" not in done.stderr
    done = subprocess.run([*cmd, str(good), str(good)], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "a,b,score"
