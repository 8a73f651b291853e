"""The committed HTCDS code lists match the standard's ODS and carry three languages."""

import json
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from himoya.vocab import build, registry

TAJIK_LETTERS = re.compile("[ғӣқӯҳҷҒӢҚӮҲҶ]")
CYRILLIC = re.compile("[А-Яа-яЁёҒғӢӣҚқӮӯҲҳҶҷ]")


@pytest.fixture(scope="module")
def ods():
    return build.ods_path(settings.HIMOYA_SHARED_DATA)


@pytest.fixture(scope="module")
def picklists(ods):
    return build.ods_picklists(ods)


def test_every_ods_picklist_is_a_code_list_with_the_same_codes_and_english_labels(picklists):
    assert len(picklists) == 21  # 25 value columns, 4 of them say "Use ISO 3166 / ISO 639"
    for name, values in picklists.items():
        assert registry.names().count(name) == 1, name
        top = [(c.code, c.labels["en"]) for c in registry.codelist(name) if not c.parent]
        # the standard's English, with its typos and run-together names corrected
        expected = [(code, build.ENGLISH_CORRECTIONS.get((name, code), en)) for code, en in values]
        assert top == expected, name


def test_ods_codes_and_labels_are_stripped_of_stray_spaces(picklists):
    assert ("DebtBondage", "Debt bondage") in picklists["vic_MethodsOfControl"]
    for values in picklists.values():
        for code, en in values:
            assert code == code.strip() and "\u00a0" not in code + en
            assert re.fullmatch(r"[A-Za-z0-9_]+", code), code


def test_iso_fields_point_to_the_country_and_language_lists(ods):
    fields = build.ods_standard_fields(ods)
    assert fields == {
        "prs_PrimaryLanguage": "language",
        "prs_SecondaryLanguage": "language",
        "prs_Citizenship": "country",
        "prs_MailingCountry": "country",
    }
    assert set(fields.values()) <= set(registry.names())


def test_committed_generated_files_are_what_the_build_produces():
    call_command("vocab", "check")  # raises CommandError when a file is stale


def test_check_reports_a_stale_file(tmp_path, monkeypatch):
    for name in ("htcds.json", "countries.json"):
        (tmp_path / name).write_text((build.DATA_DIR / name).read_text(encoding="utf-8"))
    lists = json.loads((tmp_path / "htcds.json").read_text(encoding="utf-8"))
    lists["cas_Status"][0]["tg"] = "Кӯҳна"
    (tmp_path / "htcds.json").write_text(build.dump(lists), encoding="utf-8")
    monkeypatch.setattr(build, "DATA_DIR", tmp_path)
    with pytest.raises(CommandError, match="htcds.json"):
        call_command("vocab", "check")


def test_build_writes_both_generated_files(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "DATA_DIR", tmp_path)
    call_command("vocab", "build")
    htcds = json.loads((tmp_path / "htcds.json").read_text(encoding="utf-8"))
    countries = json.loads((tmp_path / "countries.json").read_text(encoding="utf-8"))
    assert htcds["vic_TypeOfExploitation"][0] == {
        "code": "ForcedLabour",
        "tg": "Меҳнати маҷбурӣ",
        "ru": "Принудительный труд",
        "en": "Forced labour",
    }
    assert {"code": "TJ", "alpha3": "TJK", "numeric": "762"}.items() <= next(
        c for c in countries["country"] if c["code"] == "TJ"
    ).items()


def test_build_refuses_a_code_without_translation(monkeypatch):
    real = build._load_source

    def without_one(name):
        data = real(name)
        if name == "htcds_labels.json":
            del data["cas_Status"]["FollowUp"]
        return data

    monkeypatch.setattr(build, "_load_source", without_one)
    with pytest.raises(build.BuildError, match=r"cas_Status\.FollowUp"):
        build.build_htcds(settings.HIMOYA_SHARED_DATA)


def test_every_code_of_every_list_has_tajik_russian_and_english_labels():
    for name in registry.names():
        for entry in registry.codelist(name):
            for lang in registry.LANGS:
                assert entry.labels.get(lang, "").strip(), (name, entry.code, lang)


def test_tajik_and_russian_labels_are_translations_not_english_copies():
    for name in registry.names():
        for entry in registry.codelist(name):
            if entry.extra.get("proper_name"):
                assert entry.labels["tg"] == entry.labels["ru"] == entry.labels["en"]
                continue
            tg, ru = entry.labels["tg"], entry.labels["ru"]
            assert tg != entry.labels["en"] and ru != entry.labels["en"], (name, entry.code)
            assert CYRILLIC.search(tg) and CYRILLIC.search(ru), (name, entry.code)
            assert not re.search("[A-Za-z]", tg), (name, entry.code, tg)


def test_tajik_labels_are_not_russian_copies():
    htcds = json.loads((build.DATA_DIR / "htcds.json").read_text(encoding="utf-8"))
    entries = [e for lst in htcds.values() for e in lst if not e.get("proper_name")]
    same = [e["code"] for e in entries if e["tg"] == e["ru"]]
    assert same == ["Pornography"]  # the same word in both languages
    assert sum(bool(TAJIK_LETTERS.search(e["tg"])) for e in entries) > 0.8 * len(entries)


def test_only_app_names_are_proper_names():
    proper = {
        (name, e.code)
        for name in registry.names()
        for e in registry.codelist(name)
        if e.extra.get("proper_name")
    }
    assert {name for name, _ in proper} == {
        "vic_RecruitmentWebsitesAndApps",
        "vic_ExploitationWebsitesAndApps",
    }
    assert ("vic_RecruitmentWebsitesAndApps", "Other") not in proper


def test_codes_are_unique_within_each_list():
    for path in build.DATA_DIR.glob("*.json"):
        for name, entries in json.loads(path.read_text(encoding="utf-8")).items():
            if name.startswith("_"):
                continue
            codes = [e["code"] for e in entries]
            assert len(codes) == len(set(codes)), (path.name, name)


def test_no_list_is_defined_in_two_files():
    seen = {}
    for path in build.DATA_DIR.glob("*.json"):
        for name in json.loads(path.read_text(encoding="utf-8")):
            if not name.startswith("_"):
                assert name not in seen, (name, seen.get(name), path.name)
                seen[name] = path.name


def test_parents_exist_in_the_same_list():
    for name in registry.names():
        codes = set(registry.codes(name))
        for entry in registry.codelist(name):
            if entry.parent and name != "tj_district":
                assert entry.parent in codes, (name, entry.code)


def test_forced_labour_industry_keeps_the_isic_sections_and_adds_the_standards_tiers():
    sections = registry.top_level("vic_ForcedLabourIndustry")
    assert [c.code[0] for c in sections] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert all(c.extra["tier"] == 1 for c in sections)
    agriculture = [c.code for c in registry.children("vic_ForcedLabourIndustry", sections[0].code)]
    assert agriculture == [
        "A01_CropAndAnimalProduction",
        "A02_ForestryAndLogging",
        "A03_FishingAndAquaculture",
    ]
    tier3 = registry.children("vic_ForcedLabourIndustry", "A03_FishingAndAquaculture")
    assert [c.extra["tier"] for c in tier3] == [3, 3]
    manufacturing = registry.children("vic_ForcedLabourIndustry", "C_Manufacturing")
    assert len(manufacturing) == 24  # ISIC v4 divisions 10-33
    assert registry.root("vic_ForcedLabourIndustry", "A031_MarineFishingOrAquaculture") == (
        "A_AgricultureForestryAndFishing"
    )
    assert len(registry.choices("vic_ForcedLabourIndustry", top_level_only=True)) == 21


def test_the_official_xlsform_choices_are_codes_of_the_registry():
    import openpyxl

    path = settings.HIMOYA_SHARED_DATA / "htcds" / "htcds_xlsform.xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True)["choices"]
    lists = {
        "citizenship": "country",
        "forcedlabourindustry": "vic_ForcedLabourIndustry",
        "methodsofcontrol": "vic_MethodsOfControl",
        "typeofexploitation": "vic_TypeOfExploitation",
        "methodofrecruitment": "vic_MethodOfRecruitment",
        "gender": "prs_Gender",
        "traffickingstatusdecisionmakingorg": "vic_TraffickingStatusDecisionMakingOrg",
        "typeofsexexploitation": "vic_TypeOfSexExploitation",
        "status": "cas_Status",
        "traffickingstatus": "vic_TraffickingStatus",
        "consent": "con_Consent",
    }
    seen = {name: set() for name in lists}
    for list_name, code, _label in sheet.iter_rows(min_row=2, values_only=True):
        if list_name in lists:
            code = str(code).strip()
            assert registry.is_valid(lists[list_name], code), (list_name, code)
            seen[list_name].add(code)
    assert len(seen["citizenship"]) == 249
    assert seen["consent"] == {"TRUE", "FALSE"}
    assert seen["forcedlabourindustry"] == {
        c.code for c in registry.top_level("vic_ForcedLabourIndustry")
    }
