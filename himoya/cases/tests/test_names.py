import pytest

from himoya.cases.names import name_key, name_keys

SAME_NAME = [
    ("Ҷамшед", "Джамшед", "Jamshed", "Dzhamshed", "Djamshed", "Љамшед"),
    ("Мухаммад", "Muhammad", "Mukhammad", "Muhamad"),
    ("Раҳимов", "Рахимов", "Rahimov", "Rakhimov", "Рањимов"),
    ("Ғафуров", "Гафуров", "Gafurov", "Ghafurov", "Ѓафуров"),
    ("Қодиров", "Кодиров", "Qodirov", "Kodirov", "Ќодиров"),
    ("Шарипова", "Sharipova", "Šaripova"),
    ("Алӣ", "Али", "Ali", "Aliy"),
    ("Юсуф", "Yusuf"),
    ("Чориев", "Choriev", "Choriyev"),
]


@pytest.mark.parametrize("spellings", SAME_NAME, ids=lambda s: s[0])
def test_spellings_of_one_name_share_a_key(spellings):
    keys = {name_key(s) for s in spellings}
    assert len(keys) == 1, dict(zip(spellings, [name_key(s) for s in spellings], strict=True))


@pytest.mark.parametrize(
    "one, other",
    [
        ("Ҷамшед", "Ҷамила"),
        ("Раҳимов", "Раҳмонов"),
        ("Ғафуров", "Қодиров"),
        ("Мухаммад", "Маҳмуд"),
        ("Каримов", "Каримова"),
        ("Шарипов", "Сафаров"),
        ("Sabohat", "Saodat"),
        ("Зарина", "Сарина"),
    ],
)
def test_different_names_do_not_collide(one, other):
    assert name_key(one) != name_key(other)


def test_case_and_punctuation_do_not_matter():
    assert name_key("ҶАМШЕД") == name_key("ҷамшед") == name_key("Jamshed.")


def test_name_keys_split_words_and_hyphens():
    assert name_keys("Раҳимов-Ғафуров Ҷамшед") == {
        name_key("Rahimov"),
        name_key("Gafurov"),
        name_key("Jamshed"),
    }


def test_single_letters_and_digits_are_no_keys():
    assert name_keys("А. 12") == set()
