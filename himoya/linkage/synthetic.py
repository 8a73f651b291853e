"""Labelled synthetic persons for measuring the linkage: Tajik, Russian and Uzbek names.

Each generated person record carries the label of the true person it describes. About a
tenth of the records are further registrations of a person already generated, made by
another organisation the way real registers differ: the name in Tajik Cyrillic, in its
Russian rendering (Ҷ→Дж, Ғ→Г, Қ→К, Ӯ→У, Ҳ→Х, Ӣ→И) or in a passport's Latin letters (two
transliteration habits), the family name with -ов/-ova or -зода/-zoda, a typing slip,
given and family name swapped, the patronymic left out, the birth date missing (an
approximate age instead) and the region of origin changed. Seeded: the same seed gives the
same persons.
"""

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import combinations

from himoya.linkage import features

REGIONS = ("TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA")

TAJIK_MALE = """Ҷамшед Фарҳод Рустам Далер Баҳодур Шоҳрух Сӯҳроб Ҳусейн Қурбон Ғайрат Файзулло
Зафар Нозим Умед Фирдавс Ҷонибек Исмоил Абдулло Муҳаммад Саидҷон Шералӣ Мирзо Бахтиёр
Комрон Парвиз Навруз Сафар Азиз Ҳайдар Искандар Алишер Қодир Ҷалолиддин Нуриддин Зоир
Аброр Акмал Анвар Бехруз Давлат Иброҳим Камол Манучеҳр Мансур Меҳроб Носир Неъмат Раҷаб
Рашид Ризо Саъдӣ Сино Сиёвуш Сомон Суҳбат Тоҳир Фаридун Фаррух Хуршед Шамсиддин Шоҳин
Ёқуб Юсуф Ҳасан Ҳамза Ҷаъфар Қаҳҳор Ғулом Эраҷ Исфандиёр Бобоҷон Одина Раҳмон Кароматулло
Наҷмиддин Зиёвуддин Абдураҳмон Ойбек Тимур Файзалӣ Ҳикматулло Амирхон Ислом Самандар""".split()
TAJIK_FEMALE = """Ҷамила Гулнора Мадина Нигина Зарина Фарангис Шаҳло Манижа Парвина Сабоҳат
Дилноза Нилуфар Гулчеҳра Малика Фотима Зулфия Мавҷуда Шабнам Таҳмина Меҳрангез Лайло
Муниса Ситора Раъно Ҳамида Ҷаннат Бунафша Дилором Гулрухсор Озода Сурайё Мӯҳтарама
Нодира Саодат Гулбаҳор Зебо Меҳрона Ширин Фируза Мавлуда Нозанин Сарвиноз Тахмина Хосият
Ҳилола Шоира Моҳира Фарзона Гулафшон Заррина Латофат Масъуда Наргис Париса Робия
Рухшона Сабрина Сайёра Тоҷинисо Умеда Хуршеда Ҷамолат Қандил Ғунча Зуҳро Дилафрӯз Мижгона
Орзу Паризод Рисолат Самира Сетора Фарида Шахзода Ҳуснигул Ёсуман Мунира Гулшан""".split()
TAJIK_ROOTS = """Раҳим Карим Сафар Назар Азиз Ҳасан Ҳусейн Қодир Ғафур Шариф Собир Юсуф
Исмоил Мирзо Давлат Ҷӯра Қурбон Саид Умар Аҳмад Маҳмуд Ҳайдар Ашур Бобо Ҷалол Неъмат
Раҷаб Шукур Зариф Ҳамид Латиф Мурод Салим Насим Раҷаб Тоҳир Файз Ҳаким Ҳалим Шодмон
Саттор Ғаффор Абдулло Иброҳим Олим Зоир Сулаймон Қосим Ҳотам Ёдгор Эшон Мусо Нуъмон
Рустам Додо Хол Ҳафиз Мадҷид Нозим Одил Пулод Рашид Саъд Тағой Усмон Хоҷа Шоҳ Ҷумъа
Қаюм Ғанӣ Баҳром Восит Гадо Даврон Зикир Имом Камол Лутф Муъмин Назир Ориф Раъно Солеҳ
Толиб Фозил Ҳомид Чоршанбе Шамсиддин Эргаш Юнус Якуб Ҷобир Қаҳҳор Ғолиб Амин Бахтиёр
Ватан Гулом Дӯст Зуҳур Иззат Кабир Лоиқ Мақсуд Нурулло Одина Парвиз Ризо Сиддиқ""".split()
RUSSIAN_MALE = """Сергей Алексей Дмитрий Андрей Владимир Николай Игорь Михаил Евгений Павел
Виктор Олег Юрий Роман Максим Артём Константин Денис Вадим Григорий Антон Борис Валерий
Геннадий Егор Илья Кирилл Леонид Матвей Никита Пётр Руслан Станислав Тимофей Фёдор Эдуард
Ярослав Аркадий Всеволод Глеб""".split()
RUSSIAN_FEMALE = """Ольга Наталья Елена Анна Ирина Татьяна Светлана Мария Екатерина Юлия
Людмила Галина Надежда Валентина Оксана Марина Вера Любовь Алла Дарья Алина Виктория
Ксения Лариса Нина Полина Раиса София Тамара Ульяна Элеонора Яна Жанна Зоя Инна Кристина
Лидия Маргарита Регина Евгения""".split()
RUSSIAN_SURNAMES = """Иванов Смирнов Кузнецов Попов Волков Соколов Лебедев Козлов Новиков
Морозов Петров Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров Михайлов Беляев
Тарасов Белов Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин Гусев Титов Кузьмин
Кудрявцев Баранов Куликов Алексеев Степанов Яковлев Сорокин Сергеев Романов Захаров Борисов
Королёв Герасимов Пономарёв Григорьев Лазарев Медведев Ершов Никитин Соболев Рябов Поляков
Цветков Данилов Жуков Фролов Журавлёв Николаев Крылов Максимов Сидоров Осипов Белоусов
Федотов Дорофеев Егоров Матвеев Бобров Дмитриев Калинин Анисимов Петухов Антонов Тимофеев""".split()
UZBEK_MALE = """Dilshod Otabek Sardor Jasur Shoxrux Ulugbek Sherzod Bekzod Jahongir Aziz
Farrux Javlon Nodir Rustam Sanjar Temur Xurshid Zafar Asilbek Bobur Akmal Anvar Azamat
Baxtiyor Doniyor Elyor Eldor Hasan Husan Islom Jamshid Komil Laziz Mansur Murod Nurbek
Oybek Rustambek Sarvar Shavkat Sherali Sobir Umid Valijon Yusuf Zokir""".split()
UZBEK_FEMALE = """Nodira Dilfuza Gulnoza Mohira Sevara Feruza Zilola Dilnoza Madina Shahnoza
Gulchehra Nigora Umida Xurshida Yulduz Lola Malika Kamola Barno Ozoda Aziza Dildora
Durdona Gulbahor Gulshan Hilola Iroda Kumush Laylo Maftuna Marjona Mukaddas Munisa Nargiza
Nilufar Oydin Robiya Saida Sarvinoz Shoira Surayyo Xosiyat Zarina Zebo""".split()
UZBEK_SURNAMES = """Karimov Tursunov Yusupov Rashidov Abdullayev Ergashev Xolmatov Normatov
Sobirov Qodirov Mirzayev Saidov Aliyev Rahmonov Sharipov Umarov Nazarov Usmonov Hamidov
Jurayev Abdurahmonov Azimov Bakirov Davronov Egamberdiyev Fayzullayev Ganiyev Haydarov
Ibragimov Jalilov Kamolov Latipov Mahmudov Nurmatov Ochilov Pulatov Qosimov Rustamov
Safarov Tojiyev Valiyev Xasanov Yuldoshev Zokirov Boboyev Salimov Qurbonov Shukurov""".split()

# Tajik letters as Russian renders them.
_TO_RUSSIAN = {"ҷ": "дж", "ғ": "г", "қ": "к", "ӯ": "у", "ҳ": "х", "ӣ": "ий", "ъ": "ь"}
# Tajik Cyrillic to Latin, as two passport habits write it.
_LATIN_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "ӣ": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ӯ": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_LATIN_TAJIK = {"ҷ": "j", "ғ": "gh", "қ": "q", "ҳ": "h"}  # Tajik passports
_LATIN_RUSSIAN = {"ҷ": "dzh", "ғ": "g", "қ": "k", "ҳ": "kh"}  # via the Russian spelling
_TYPO_LETTERS = "аеиоубвгдзклмнрст"


@dataclass
class Generated:
    """One generated person record: plain fields, organisation and the true person."""

    truth: int
    organisation: int
    sex: str
    given: str = ""
    family: str = ""
    patronymic: str = ""
    latin: bool = False
    born: date | None = None
    approximate_age: str = ""
    registered: date = date(2026, 1, 15)
    region: str = ""
    document: str = ""
    phone: str = ""
    extra: dict = field(default_factory=dict)

    def fields(self) -> dict:
        """Return the Person fields of this record (names in Cyrillic or Latin fields)."""
        names = (
            {
                "given_name_latin": self.given,
                "family_name_latin": self.family,
                "patronymic_latin": self.patronymic,
            }
            if self.latin
            else {
                "given_name": self.given,
                "family_name": self.family,
                "patronymic": self.patronymic,
            }
        )
        data: dict[str, object] = {**names, "sex": self.sex, "region_of_origin": self.region}
        if self.born:
            data["date_of_birth"] = self.born
        if self.approximate_age:
            data["approximate_age"] = self.approximate_age
        if self.document:
            data["document_number"] = self.document
        if self.phone:
            data["phone"] = self.phone
        return data

    def record(self, unique_id: int) -> dict:
        """Return the comparison record of this generated person."""
        key = "_latin" if self.latin else ""
        return features.record(
            unique_id,
            organisation=self.organisation,
            **{
                f"given{key}": self.given,
                f"family{key}": self.family,
                f"patronymic{key}": self.patronymic,
            },
            born=self.born,
            approximate_age=self.approximate_age,
            registered=self.registered,
            sex=self.sex,
            region=self.region,
            document=self.document,
            phone=self.phone,
        )


def _case(word: str) -> str:
    return word[:1].upper() + word[1:]


def to_russian(name: str) -> str:
    """Return the Russian rendering of a Tajik Cyrillic name (Ҷамшед → Джамшед)."""
    out = "".join(_TO_RUSSIAN.get(ch.lower(), ch.lower()) for ch in name)
    return _case(out)


def to_latin(name: str, *, russian: bool = False) -> str:
    """Return a passport's Latin letters for a Cyrillic name, in one of two habits."""
    table = _LATIN_COMMON | (_LATIN_RUSSIAN if russian else _LATIN_TAJIK)
    return _case("".join(table.get(ch.lower(), ch.lower()) for ch in name))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]  # a letter left out
    if kind < 0.7:
        return word[:i] + word[i] + word[i:]  # a letter doubled
    letters = _TYPO_LETTERS if word.isascii() is False else "aeioubdgklmnrst"
    return word[:i] + rng.choice(letters) + word[i + 1 :]


def _tajik_family(rng: random.Random, root: str, sex: str) -> tuple[str, str]:
    """Return a Tajik family name in its -ов/-ова form and its -зода form."""
    ov = root + ("ова" if sex == "female" else "ов")
    return ov, root + "зода"


class Generator:
    """Seeded generator of labelled person records across several organisations."""

    def __init__(self, seed: int = 1, organisations: int = 6):
        self.rng = random.Random(seed)
        self.organisations = organisations

    def _base(self, truth: int) -> tuple[Generated, dict]:
        rng = self.rng
        sex = "female" if rng.random() < 0.6 else "male"
        kind = rng.random()
        if kind < 0.75:
            origin = "tajik"
            given = rng.choice(TAJIK_FEMALE if sex == "female" else TAJIK_MALE)
            root = rng.choice(TAJIK_ROOTS)
            ov, zoda = _tajik_family(rng, root, sex)
            family = zoda if rng.random() < 0.35 else ov
            father = rng.choice(TAJIK_MALE)
            patronymic = father + ("овна" if sex == "female" else "ович")
        elif kind < 0.88:
            origin = "russian"
            given = rng.choice(RUSSIAN_FEMALE if sex == "female" else RUSSIAN_MALE)
            family = rng.choice(RUSSIAN_SURNAMES) + ("а" if sex == "female" else "")
            patronymic = rng.choice(RUSSIAN_MALE) + ("овна" if sex == "female" else "ович")
            ov = zoda = family
        else:
            origin = "uzbek"
            given = rng.choice(UZBEK_FEMALE if sex == "female" else UZBEK_MALE)
            family = rng.choice(UZBEK_SURNAMES) + ("a" if sex == "female" else "")
            patronymic = ""
            ov = zoda = family
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 45 * 365))
        registered = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
        person = Generated(
            truth=truth,
            organisation=rng.randrange(self.organisations),
            sex=sex,
            given=given,
            family=family,
            patronymic=patronymic if rng.random() < 0.7 else "",
            latin=origin == "uzbek",
            born=born if rng.random() < 0.85 else None,
            registered=registered,
            region=rng.choice(REGIONS) if rng.random() < 0.9 else "",
            document=f"{rng.choice('AB')}{rng.randrange(10**7):07d}" if rng.random() < 0.3 else "",
            phone=f"+99290{rng.randrange(10**7):07d}" if rng.random() < 0.3 else "",
        )
        if person.born is None:
            person.approximate_age = str((registered - born).days // 365)
        truth_fields = {"origin": origin, "born": born, "ov": ov, "zoda": zoda}
        return person, truth_fields

    def _variant(self, base: Generated, truth_fields: dict) -> Generated:
        rng = self.rng
        others = [o for o in range(self.organisations) if o != base.organisation]
        given, family, patronymic = base.given, base.family, base.patronymic
        if truth_fields["origin"] == "tajik" and not base.latin and rng.random() < 0.3:
            family = truth_fields["zoda"] if family == truth_fields["ov"] else truth_fields["ov"]
        latin = base.latin
        script = rng.random()
        if not base.latin and truth_fields["origin"] != "russian":
            if script < 0.35:
                given, family, patronymic = (to_russian(w) for w in (given, family, patronymic))
            elif script < 0.65:
                russian = rng.random() < 0.5
                given, family, patronymic = (
                    to_latin(w, russian=russian) for w in (given, family, patronymic)
                )
                latin = True
        elif truth_fields["origin"] == "russian" and script < 0.3:
            names = (given, family, patronymic)
            given, family, patronymic = (to_latin(w, russian=True) for w in names)
            latin = True
        if rng.random() < 0.15:
            which = rng.randrange(3)
            if which == 0:
                given = _typo(rng, given)
            elif which == 1:
                family = _typo(rng, family)
            else:
                patronymic = _typo(rng, patronymic)
        if rng.random() < 0.05:
            given, family = family, given
        if rng.random() < 0.3:
            patronymic = ""
        born = truth_fields["born"]
        registered = base.registered + timedelta(days=rng.randrange(0, 400))
        approximate = ""
        dob: date | None = born
        if rng.random() < 0.15:
            dob = None
            approximate = str((registered - born).days // 365 + rng.choice((-1, 0, 0, 1)))
        return replace(
            base,
            organisation=rng.choice(others),
            given=given,
            family=family,
            patronymic=patronymic,
            latin=latin,
            born=dob,
            approximate_age=approximate,
            registered=registered,
            region=rng.choice(REGIONS) if rng.random() < 0.15 else base.region,
            document=base.document if rng.random() < 0.5 else "",
            phone=(base.phone if rng.random() < 0.7 else f"+99291{rng.randrange(10**7):07d}")
            if base.phone and rng.random() < 0.6
            else "",
        )

    def persons(self, count: int, duplicates: float = 0.1) -> list[Generated]:
        """Return `count` records, `duplicates` of them further records of earlier persons."""
        bases: list[tuple[Generated, dict]] = []
        out: list[Generated] = []
        originals = round(count * (1 - duplicates))
        for truth in range(originals):
            person, truth_fields = self._base(truth)
            bases.append((person, truth_fields))
            out.append(person)
        for _ in range(count - originals):
            base, truth_fields = bases[self.rng.randrange(len(bases))]
            out.append(self._variant(base, truth_fields))
        self.rng.shuffle(out)
        return out


def records(persons: list[Generated], start: int = 1) -> Iterator[dict]:
    """Yield the comparison records of generated persons, numbered from `start`."""
    for i, person in enumerate(persons, start):
        yield person.record(i)


def true_pairs(persons: list[Generated], start: int = 1) -> set[tuple[int, int]]:
    """Return the id pairs of records of one true person in different organisations."""
    groups: dict[int, list[tuple[int, int]]] = {}
    for i, person in enumerate(persons, start):
        groups.setdefault(person.truth, []).append((i, person.organisation))
    pairs = set()
    for members in groups.values():
        for (a, org_a), (b, org_b) in combinations(members, 2):
            if org_a != org_b:
                pairs.add((min(a, b), max(a, b)))
    return pairs


def precision_recall(
    predicted: set[tuple[int, int]], truth: set[tuple[int, int]]
) -> tuple[float, float]:
    """Return pairwise precision and recall of predicted pairs against the labelled ones."""
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall


def evaluate(settings: dict, count: int, *, seed: int, threshold: float) -> dict:
    """Score generated labelled persons; return pairwise precision and recall."""
    from himoya.linkage import engine

    persons = Generator(seed=seed).persons(count)
    rows = list(records(persons))
    truth = true_pairs(persons)
    started = time.perf_counter()
    linkable = {r["unique_id"] for r in rows if r["linkable"]}
    scored = engine.predict(rows, settings, threshold=threshold)
    predicted = {
        (s.first, s.second) for s in scored if s.first in linkable and s.second in linkable
    }
    precision, recall = precision_recall(predicted, truth)
    return {
        "precision": precision,
        "recall": recall,
        "true_pairs": len(truth),
        "seconds": time.perf_counter() - started,
    }
