"""Build persons and cases for tests through the real registration action."""

import datetime

from himoya.cases.actions import do_register_case


def register_case(organisation, user, *, person=None, situation=None, multi=None, **case):
    """Register a case of a new (or the given) person and return it."""

    if person is None:
        person = {
            "given_name": "Ҷамшед",
            "family_name": "Раҳимов",
            "given_name_latin": "Jamshed",
            "sex": "male",
            "age_at_identification": 27,
            "citizenship": "TJ",
            "region_of_origin": "TJ-KT",
        }
    situation = {"exploitation_country": "RU", **(situation or {})}
    multi = {"exploitation_types": ["ForcedLabour"], **(multi or {})}
    case.setdefault("registered_on", datetime.date(2026, 3, 1))
    status = case.pop("status", None)
    return do_register_case(
        organisation,
        acting_user=user,
        person=person,
        case=case,
        situation=situation,
        multi=multi,
        status=status,
    )
