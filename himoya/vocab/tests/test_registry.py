"""Registry behaviour: labels in the active language, lookups, Tajikistan, demographics."""

import pytest
from django.utils import translation

from himoya.vocab import registry


def test_label_and_choices_follow_the_active_language():
    choices = dict(registry.choices("vic_TypeOfExploitation"))
    with translation.override("tg"):
        assert registry.label("vic_TypeOfExploitation", "ForcedLabour") == "Меҳнати маҷбурӣ"
        assert str(choices["SexualExploitation"]) == "Истисмори ҷинсӣ"
    with translation.override("ru"):
        assert registry.label("vic_TypeOfExploitation", "ForcedLabour") == "Принудительный труд"
        assert str(choices["SexualExploitation"]) == "Сексуальная эксплуатация"
    with translation.override("en"):
        assert str(choices["SexualExploitation"]) == "Sexual exploitation"
    assert registry.label("vic_TypeOfExploitation", "ForcedLabour", "en") == "Forced labour"


def test_unknown_code_is_not_valid_and_labels_as_itself():
    assert not registry.is_valid("cas_Status", "Open")
    assert registry.label("cas_Status", "Open") == "Open"
    assert registry.is_valid("cas_Status", "ClosedReferred")


def test_choices_with_blank_start_with_an_empty_choice():
    assert registry.choices("sex", blank=True)[0] == ("", "—")


def test_sorted_choices_sort_by_the_label_in_the_language():
    with translation.override("ru"):
        labels = [label for _, label in registry.sorted_choices("tj_region")]
    assert labels == sorted(labels, key=str.casefold)
    assert registry.sorted_choices("country", lang="en")[0][1] == "Afghanistan"


@pytest.mark.parametrize(
    "text, code",
    [
        ("TJ", "TJ"),
        ("tjk", "TJ"),
        ("762", "TJ"),
        ("Tajikistan", "TJ"),
        ("таджикистан", "TJ"),
        ("Тоҷикистон", "TJ"),
        ("Russian Federation", "RU"),
        ("Россия", "RU"),
        ("российская федерация", "RU"),
        ("UNITED ARAB EMIRATES", "AE"),
        ("Объединённые Арабские Эмираты", "AE"),
        ("Объединенные арабские эмираты", "AE"),
        ("Korea, Republic of", "KR"),
        ("Türkiye", "TR"),
        ("Турция", "TR"),
        ("  kazakhstan ", "KZ"),
        ("KGZ", "KG"),
    ],
)
def test_country_from_any_reads_codes_and_names(text, code):
    assert registry.country_from_any(text).code == code


@pytest.mark.parametrize("text", ["", None, "Atlantis", "XX", "999"])
def test_country_from_any_returns_none_for_unknown(text):
    assert registry.country_from_any(text) is None


def test_country_from_alpha3():
    assert registry.country_from_alpha3("UZB").code == "UZ"
    assert registry.country_from_alpha3("uzb").code == "UZ"
    assert registry.country_from_alpha3("ZZZ") is None


def test_countries_cover_iso_3166_with_alpha3_and_numeric():
    countries = registry.codelist("country")
    assert len(countries) == 249
    for c in countries:
        assert len(c.code) == 2 and len(c.extra["alpha3"]) == 3 and len(c.extra["numeric"]) == 3
    assert len({c.extra["alpha3"] for c in countries}) == 249


@pytest.mark.parametrize(
    "code, tg",
    [
        ("RU", "Русия"),
        ("KZ", "Қазоқистон"),
        ("KG", "Қирғизистон"),
        ("UZ", "Ӯзбекистон"),
        ("TR", "Туркия"),
        ("AE", "Аморати Муттаҳидаи Араб"),
        ("DE", "Олмон"),
        ("FR", "Фаронса"),  # from the ISO catalogue
        ("LK", "Шри-Ланка"),  # corrects the catalogue, which says Liechtenstein
    ],
)
def test_country_names_in_tajik(code, tg):
    assert registry.label("country", code, "tg") == tg


def test_dushanbe_has_four_districts_and_every_region_has_districts():
    dushanbe = registry.children("tj_district", "TJ-DU")
    assert [d.label_in("tg") for d in dushanbe] == [
        "Ноҳияи Исмоили Сомонӣ",
        "Ноҳияи Сино",
        "Ноҳияи Фирдавсӣ",
        "Ноҳияи Шоҳмансур",
    ]
    for region in registry.codes("tj_region"):
        assert registry.children("tj_district", region), region
    for district in registry.codelist("tj_district"):
        assert registry.is_valid("tj_region", district.parent)
        assert district.code.startswith(district.parent + "-")
        assert district.code.isascii()


def test_districts_are_found_by_current_and_former_names():
    assert registry.find("tj_district", "Бохтар").code == "TJ-KT-bokhtar"
    assert registry.find("tj_district", "Курган-Тюбе").code == "TJ-KT-bokhtar"
    assert registry.find("tj_district", "khujand").code == "TJ-SU-khujand"
    assert registry.find("tj_district", "Ноњияи Рўдакї").code == "TJ-RA-rudaki"  # legacy glyphs
    assert registry.find("tj_district", "Nowhere") is None


@pytest.mark.parametrize(
    "age, band",
    [
        (0, "0-8"),
        (8, "0-8"),
        (9, "9-17"),
        (17, "9-17"),
        (18, "18-20"),
        (23, "21-23"),
        (26, "24-26"),
        (29, "27-29"),
        (30, "30-38"),
        (47, "39-47"),
        (48, "48+"),
        (101, "48+"),
        (None, "unknown"),
        (-1, "unknown"),
    ],
)
def test_age_group_for_uses_the_ctdc_bands(age, band):
    assert registry.age_group_for(age) == band


def test_fine_bands_roll_up_to_child_and_adult():
    assert registry.get("age_group", "9-17").parent == "child"
    assert registry.get("age_group", "18-20").parent == "adult"
    assert registry.majority_for(17) == "child"
    assert registry.majority_for(18) == "adult"
    assert registry.majority_for(None) == "unknown"


@pytest.mark.parametrize(
    "sex, age, category",
    [
        ("male", 30, "man"),
        ("female", 18, "woman"),
        ("male", 17, "boy"),
        ("female", 5, "girl"),
        ("other", 30, "unknown"),
        ("unknown", 30, "unknown"),
        ("female", None, "unknown"),
    ],
)
def test_sex_age_category(sex, age, category):
    assert registry.sex_age_category(sex, age) == category
    assert registry.is_valid("sex_age", category)


def test_htcds_gender_maps_to_sex_and_back():
    assert registry.sex_from_gender("Masculine") == "male"
    assert registry.sex_from_gender("Feminine") == "female"
    assert registry.sex_from_gender("TransgenderFeminine") == "other"
    assert registry.sex_from_gender("NonSpecifiedUnknown") == "unknown"
    assert registry.sex_from_gender(None) == "unknown"
    for gender in registry.codes("prs_Gender"):
        sex = registry.sex_from_gender(gender)
        assert registry.sex_from_gender(registry.gender_from_sex(sex)) == sex
    assert registry.gender_from_sex("male") == "Masculine"


def test_languages_include_the_regions_languages():
    for code in ("tg", "ru", "en", "uz", "ky", "fa", "ps", "ar", "tr", "kk", "zh"):
        assert registry.is_valid("language", code)
    assert registry.find("language", "tgk").code == "tg"
    assert registry.label("language", "tg", "tg") == "Тоҷикӣ"
