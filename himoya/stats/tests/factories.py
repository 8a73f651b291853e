"""Build cases quickly for statistics tests, through the registration action."""

from datetime import date

from himoya.cases.actions import do_register_case


def register(
    org,
    user,
    *,
    on: date,
    sex="male",
    age=30,
    citizenship="TJ",
    country="RU",
    exploitation=("ForcedLabour",),
    sectors=(),
    person=None,
    region="TJ-KT",
):

    person_data = person or {
        "given_name": "Ҷамшед",
        "family_name": "Раҳимов",
        "sex": sex,
        "age_at_identification": age,
        "citizenship": citizenship,
        "region_of_origin": region,
    }
    multi = {"exploitation_types": list(exploitation)}
    if sectors:
        multi["labour_sectors"] = list(sectors)
    return do_register_case(
        org,
        acting_user=user,
        person=person_data,
        case={"registered_on": on},
        situation={"exploitation_country": country},
        multi=multi,
    )
