"""Synthetic cases whose patterns follow the published picture of trafficking from Tajikistan.

Men exploited for labour in construction and agriculture in Russia, Kazakhstan, the UAE,
Saudi Arabia and Turkey; women sexually exploited in the UAE and Turkey; internal cases of
domestic servitude and sexual exploitation; a few children in forced begging and child
labour, and forced marriages. Every record is invented; names are real Tajik names put
together at random.
"""

import datetime
import itertools
import random
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from himoya.cases import codes

MALE_NAMES = (
    "Ҷамшед Фирдавс Фаррух Бахтиёр Шерзод Далер Сино Рустам Алишер Меҳрон Ҳусейн Умед Сӯҳроб "
    "Парвиз Исмоил Абдуллоҳ Комрон Манучеҳр Анвар Зафар Илҳом Ҷонибек Баҳодур Наврӯз Қурбон "
    "Саидҷон Шоҳрух Муҳаммад Фарҳод Хуршед Азиз Акмал Бобур Ғайрат Нозим Раҳмон Некрӯз Давлат "
    "Искандар Файзулло Ҷалолиддин Кароматулло Маҳмуд Самандар Тоҳир Шуҳрат Ёдгор Ҳоким Иброҳим"
).split()
FEMALE_NAMES = (
    "Малика Зарина Нигина Гулнора Мавзуна Фарангис Парвина Меҳрангез Шаҳноза Дилноза Мадина "
    "Мунира Сабоҳат Зулайхо Нилуфар Ганҷина Лайло Моҳира Таҳмина Ситора Шабнам Мижгона "
    "Бунафша Сурайё Фотима Ойша Гулрухсор Наргис Барно Ҳилола Саодат Манижа Рухшона Дилором "
    "Ҷамила Гулчеҳра Заррина Мӯътабар Озода Шоира"
).split()
SURNAME_STEMS = (
    "Раҳим Карим Назар Шарип Юсуп Ҳаким Қодир Ғафур Саид Давлат Исмоил Мирзо Ашур Сафар Раҷаб "
    "Один Неъмат Ҳасан Ҳусейн Холмат Умар Азим Шукур Султон Бобо Раҳмон Наби Зокир Латиф Мурод "
    "Ҷӯра Нурмат Қурбон Ҳамид Собир Тоҳир Файзулло Худойназар Сангин Абдулло Ёр Шоҳ Мамад"
).split()
ZODA_STEMS = "Раҳмон Назар Шариф Қодир Ҳаким Саид Карим Давлат Умар Сафар Ғафур".split()

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "ӣ": "i", "й": "y", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ӯ": "u", "ф": "f", "х": "kh",
    "ҳ": "h", "ч": "ch", "ҷ": "j", "ш": "sh", "ъ": "'", "э": "e", "ю": "yu", "я": "ya",
    "ц": "ts", "щ": "sh", "ы": "y", "ь": "",
}  # fmt: skip


@cache
def to_latin(name: str) -> str:
    """Transliterate a Tajik Cyrillic name to Latin the way passports usually do."""
    out = "".join(_TRANSLIT.get(ch.lower(), ch) for ch in name)
    return out[:1].upper() + out[1:]


@dataclass
class Scenario:
    weight: float
    exploitation: tuple
    sexes: tuple  # (code, weight) pairs
    ages: tuple  # (youngest, mode, oldest)
    countries: tuple  # (code, weight); "TJ" is internal
    sectors: tuple = ()
    sex_types: tuple = ()
    control: tuple = ()  # (code, probability)
    recruitment: tuple = (
        ("ThroughFriendsOrSocialEvents", 0.4),
        ("ThroughOnlineSocialNetworks", 0.3),
        ("ThroughAnOnlineAdvertisement", 0.15),
        ("ThroughFamilyOrFamilyEvents", 0.15),
    )
    relationship: tuple = (("Acquainted", 0.5), ("Unaquainted", 0.35), ("Familial", 0.15))
    tj_regions: tuple = ()  # where in Tajikistan internal exploitation happens
    extra: dict = field(default_factory=dict)


SCENARIOS = [
    Scenario(
        55,
        ("ForcedLabour",),
        (("male", 1),),
        (18, 28, 58),
        (("RU", 55), ("KZ", 18), ("AE", 8), ("SA", 7), ("TR", 7), ("PL", 2), ("KR", 1),
         ("CN", 2)),
        sectors=(("F_Construction", 50), ("A_AgricultureForestryAndFishing", 25),
                 ("C_Manufacturing", 8), ("I_AccommodationAndFoodServiceActivities", 7),
                 ("H_TransportationAndStorage", 5),
                 ("G_WholesaleAndRetailTradeRepairOfMotorVehicles", 5)),
        control=(("TakesEarnings", 0.7), ("WithholdsDocuments", 0.6), ("FalsePromises", 0.6),
                 ("DebtBondage", 0.4), ("ThreatsLawEnforcement", 0.35),
                 ("ExcessiveWorkingHours", 0.5), ("PhysicalThreats", 0.2),
                 ("WithholdsNecessities", 0.2)),
    ),
    Scenario(
        18,
        ("SexualExploitation",),
        (("female", 1),),
        (16, 22, 38),
        (("AE", 50), ("TR", 35), ("RU", 10), ("KZ", 5)),
        sex_types=(("Prostitution", 90), ("PrivateSexualServices", 8), ("Pornography", 2)),
        control=(("WithholdsDocuments", 0.7), ("DebtBondage", 0.6), ("PhysicalAbuse", 0.4),
                 ("SexualAbuse", 0.5), ("PsychologicalAbuse", 0.5), ("FalsePromises", 0.8),
                 ("ThreatensChildrenFamily", 0.25)),
        recruitment=(("ThroughFriendsOrSocialEvents", 0.4), ("ThroughOnlineSocialNetworks", 0.35),
                     ("ThroughFamilyOrFamilyEvents", 0.25)),
    ),
    Scenario(
        6,
        ("ForcedLabour", "Servitude"),
        (("female", 1),),
        (18, 30, 50),
        (("RU", 40), ("KZ", 20), ("AE", 20), ("SA", 15), ("TR", 5)),
        sectors=(("T_ActivitiesOfHouseholdsAsEmployers", 60),
                 ("I_AccommodationAndFoodServiceActivities", 25), ("C_Manufacturing", 15)),
        control=(("WithholdsDocuments", 0.7), ("TakesEarnings", 0.6),
                 ("ExcessiveWorkingHours", 0.6), ("PsychologicalAbuse", 0.4)),
    ),
    Scenario(
        8,
        ("Servitude",),
        (("female", 8), ("male", 2)),
        (12, 19, 45),
        (("TJ", 1),),
        sectors=(("T_ActivitiesOfHouseholdsAsEmployers", 100),),
        control=(("WithholdsNecessities", 0.5), ("PhysicalAbuse", 0.4),
                 ("PsychologicalAbuse", 0.6), ("TakesEarnings", 0.3)),
        relationship=(("Familial", 0.5), ("Acquainted", 0.4), ("Unaquainted", 0.1)),
        tj_regions=(("TJ-DU", 50), ("TJ-SU", 25), ("TJ-RA", 15), ("TJ-KT", 10)),
    ),
    Scenario(
        7,
        ("SexualExploitation",),
        (("female", 1),),
        (14, 20, 32),
        (("TJ", 1),),
        sex_types=(("Prostitution", 95), ("Pornography", 5)),
        control=(("PhysicalAbuse", 0.5), ("SexualAbuse", 0.5), ("PsychologicalAbuse", 0.6),
                 ("DebtBondage", 0.3), ("PsychoactiveSubstance", 0.15)),
        tj_regions=(("TJ-DU", 60), ("TJ-SU", 30), ("TJ-KT", 10)),
    ),
    Scenario(
        3,
        ("ForcedBegging",),
        (("male", 6), ("female", 4)),
        (7, 11, 16),
        (("TJ", 1),),
        control=(("PhysicalThreats", 0.5), ("TakesEarnings", 0.8)),
        relationship=(("Familial", 0.6), ("Acquainted", 0.4)),
        tj_regions=(("TJ-DU", 70), ("TJ-SU", 30)),
    ),
    Scenario(
        2,
        ("ChildLabour",),
        (("male", 6), ("female", 4)),
        (10, 14, 17),
        (("TJ", 1),),
        sectors=(("A_AgricultureForestryAndFishing", 80),
                 ("G_WholesaleAndRetailTradeRepairOfMotorVehicles", 20)),
        control=(("ExcessiveWorkingHours", 0.7), ("TakesEarnings", 0.5)),
        relationship=(("Familial", 0.4), ("Acquainted", 0.6)),
        tj_regions=(("TJ-KT", 60), ("TJ-SU", 40)),
    ),
    Scenario(
        3,
        ("ForcedMarriage",),
        (("female", 1),),
        (15, 19, 26),
        (("CN", 35), ("AF", 30), ("RU", 20), ("TJ", 15)),
        control=(("PsychologicalAbuse", 0.6), ("SexualAbuse", 0.4), ("FalsePromises", 0.5)),
        relationship=(("Familial", 0.6), ("Acquainted", 0.4)),
        tj_regions=(("TJ-KT", 60), ("TJ-RA", 40)),
    ),
]  # fmt: skip

_SCENARIO_WEIGHTS = tuple((str(i), s.weight) for i, s in enumerate(SCENARIOS))
ORIGIN_REGIONS = (("TJ-KT", 35), ("TJ-SU", 30), ("TJ-RA", 20), ("TJ-DU", 10), ("TJ-GB", 5))
PLATFORMS = (("Telegram", 45), ("WhatsApp", 25), ("Instagram", 15), ("Facebook", 10),
             ("TikTok", 5))  # fmt: skip
TRANSIT = {"RU": ("KZ", "UZ"), "AE": ("RU", "KZ", "UZ"), "TR": ("RU", "KZ"), "SA": ("AE",),
           "PL": ("RU", "BY"), "KZ": ("UZ",)}  # fmt: skip
DECIDERS = (("Police", 45), ("NGO", 35), ("CourtOrProsecution", 10),
            ("NonPoliceGovernmentalOrganization", 10))  # fmt: skip
CLOSURE = (("GoalsAchieved", 55), ("LostContact", 15), ("PersonDeclined", 10),
           ("ReferredElsewhere", 10), ("Relocated", 7), ("Other", 3))  # fmt: skip
# More cases each year as the referral mechanism grows; 2026 counts up to today.
YEAR_WEIGHTS = {2016: 6, 2017: 7, 2018: 8, 2019: 9, 2020: 7, 2021: 9, 2022: 10, 2023: 11,
                2024: 12, 2025: 13, 2026: 12}  # fmt: skip


@cache
def _cumulative(pairs: tuple) -> tuple[list, list]:
    return [p[0] for p in pairs], list(itertools.accumulate(p[1] for p in pairs))


def _pick(rng: random.Random, pairs: tuple) -> Any:
    population, cum = _cumulative(pairs)
    return rng.choices(population, cum_weights=cum)[0]


def _some(rng: random.Random, pairs) -> list[str]:
    return [code for code, p in pairs if rng.random() < p]


def _valid(list_name: str, values: list[str]) -> list[str]:
    return [v for v in values if codes.is_valid(list_name, v)]


def _date_in(rng: random.Random, year: int, today: datetime.date) -> datetime.date:
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), today)
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def make_name(rng: random.Random, sex: str) -> dict:
    """Return a person's names in Tajik Cyrillic and Latin."""
    female = sex == "female"
    given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    if rng.random() < 0.2:
        family = rng.choice(ZODA_STEMS) + "зода"
    else:
        family = rng.choice(SURNAME_STEMS) + ("ова" if female else "ов")
    patronymic = ""
    if rng.random() < 0.6:
        patronymic = rng.choice(MALE_NAMES) + ("овна" if female else "ович")
    return {
        "given_name": given,
        "family_name": family,
        "patronymic": patronymic,
        "given_name_latin": to_latin(given),
        "family_name_latin": to_latin(family),
        "patronymic_latin": to_latin(patronymic) if patronymic else "",
    }


def synthetic_case(rng: random.Random, today: datetime.date, years=None) -> dict:
    """Return one invented case as plain values (person, case, situation, codes, status)."""
    years = tuple((years or YEAR_WEIGHTS).items())
    scenario = SCENARIOS[int(_pick(rng, _SCENARIO_WEIGHTS))]
    sex = _pick(rng, scenario.sexes)
    low, mode, high = scenario.ages
    age = int(round(rng.triangular(low, high, mode)))
    year = _pick(rng, years)
    registered = _date_in(rng, year, today)
    identified = registered - datetime.timedelta(days=rng.randint(0, 30))
    ended = identified - datetime.timedelta(days=rng.randint(0, 60))
    began = ended - datetime.timedelta(days=rng.randint(30, 720))
    origin = _pick(rng, ORIGIN_REGIONS)
    citizenship = "TJ" if rng.random() < 0.98 else rng.choice(("AF", "UZ"))
    country = _pick(rng, scenario.countries)
    multi = {
        "exploitation_types": list(scenario.exploitation),
        "labour_sectors": [_pick(rng, scenario.sectors)] if scenario.sectors else [],
        "sexual_exploitation_types": [_pick(rng, scenario.sex_types)] if scenario.sex_types else [],
        "means_of_control": _some(rng, scenario.control),
        "recruitment_methods": [
            "ThroughFamilyOrFamilyEvents" if age < 14 else _pick(rng, scenario.recruitment)
        ],
        "transit_countries": [],
        "online_platforms": [],
    }
    if "Online" in multi["recruitment_methods"][0]:
        multi["online_platforms"] = [_pick(rng, PLATFORMS)]
    if country in TRANSIT and rng.random() < 0.3:
        multi["transit_countries"] = [rng.choice(TRANSIT[country])]
    for name, list_name in (
        ("means_of_control", "vic_MethodsOfControl"),
        ("transit_countries", codes.COUNTRY),
    ):
        multi[name] = _valid(list_name, multi[name])
    # Older cases have mostly been decided and closed.
    age_days = (today - registered).days
    roll = rng.random()
    if age_days > 180:
        status = codes.IDENTIFIED if roll < 0.75 else codes.NOT_A_VICTIM if roll < 0.82 else ""
    else:
        status = codes.IDENTIFIED if roll < 0.4 else codes.NOT_A_VICTIM if roll < 0.45 else ""
    status = status or codes.PRESUMED
    decided_on = None
    if status != codes.PRESUMED:
        decided_on = min(registered + datetime.timedelta(days=rng.randint(1, 90)), today)
    closed = False
    if status != codes.PRESUMED:
        closed = rng.random() < (0.85 if age_days > 730 else 0.5 if age_days > 365 else 0.15)
    case_status = "Closed" if closed else ("FollowUp" if rng.random() < 0.1 else "Active")
    closure = ""
    if closed:
        closure = "NotAVictim" if status == codes.NOT_A_VICTIM else _pick(rng, CLOSURE)
    closed_on = None
    if closed:
        closed_on = min(
            (decided_on or registered) + datetime.timedelta(days=rng.randint(30, 500)), today
        )
    dob = identified - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
    return {
        "person": {
            **make_name(rng, sex),
            "date_of_birth": dob if rng.random() < 0.8 else None,
            "approximate_age": "",
            "phone": f"+992 9{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}"
            if rng.random() < 0.7
            else "",
            **(
                {
                    "document_type": "passport",
                    "document_number": f"{rng.choice('АБВ')}{rng.randint(1000000, 9999999)}",
                }
                if age >= 16 and rng.random() < 0.7
                else {}
            ),
        },
        "sex": sex,
        "age": age,
        "age_group": codes.age_group_for(age),
        "citizenship": citizenship,
        "region_of_origin": origin,
        "registered_on": registered,
        "identified_on": identified,
        "exploitation_began": began,
        "exploitation_ended": ended,
        "exploitation_country": country,
        "exploitation_region": _pick(rng, scenario.tj_regions) if country == "TJ" else "",
        "recruitment_country": "TJ",
        "recruiter_relationship": _pick(rng, scenario.relationship),
        "is_cross_border": country not in {citizenship, "TJ"},
        "multi": {k: v for k, v in multi.items() if v},
        "trafficking_status": status,
        "status_decided_by": _pick(rng, DECIDERS) if decided_on else "",
        "status_decided_on": decided_on,
        "case_status": case_status,
        "closure_reason": closure,
        "closed_on": closed_on,
    }
