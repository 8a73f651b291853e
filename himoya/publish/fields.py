"""What a release may publish: CTDC-layout fields built from the register, never identities.

Each publishable field says how it is generalised, level by level, until it says nothing
("*"). Fields that identify a person (names, numbers), free texts and exact dates are
refused by name, with the reason.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SUPPRESSED = "*"

# Column of the CTDC K-anon layout → what it is, for the data dictionary.
PUBLISHABLE: dict[str, object] = {
    "yearOfRegistration": _("Year the case was registered"),
    "gender": _("Sex of the person"),
    "ageBroad": _("Age group at identification (CTDC broad bands)"),
    "majorityStatus": _("Child or adult at identification"),
    "citizenship": _("Citizenship (ISO 3166-1 alpha-2)"),
    "CountryOfExploitation": _("Country of exploitation (ISO 3166-1 alpha-2)"),
    "isForcedLabour": _("Forced labour (1 yes, 0 no)"),
    "isSexualExploit": _("Sexual exploitation (1 yes, 0 no)"),
    "isOtherExploit": _("Other exploitation (1 yes, 0 no)"),
    "isForcedMarriage": _("Forced marriage (1 yes, 0 no)"),
    "typeOfExploitConcatenated": _("Forms of exploitation, separated by “;”"),
    "typeOfLabourConcatenated": _("Labour sectors, separated by “;”"),
    "isCrossBorder": _("Cross-border (1) or internal (0) trafficking"),
}

# Fields a coordinator might ask for that must never leave the system.
FORBIDDEN: dict[str, object] = {
    **dict.fromkeys(
        ["given_name", "family_name", "patronymic", "name", "prs_FirstName", "prs_SecondName"],
        _("a name identifies the person"),
    ),
    **dict.fromkeys(
        ["document_number", "phone", "passport", "prs_MobilePhone", "reference", "case_number"],
        _("a number identifies the person or the case"),
    ),
    **dict.fromkeys(
        ["date_of_birth", "registered_on", "identified_on", "status_decided_on", "closed_on"],
        _("an exact date can single a person out; publish the year"),
    ),
    **dict.fromkeys(
        ["address", "status_basis", "note", "closure_reason_text", "place"],
        _("a free text may name or describe the person"),
    ),
}

DEFAULT_QUASI_IDENTIFIERS = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    "isCrossBorder",
]
DEFAULT_SENSITIVE = ["typeOfExploitConcatenated"]


@dataclass(frozen=True)
class Hierarchy:
    """How one field is generalised: `levels` is how many steps before "*"."""

    kind: str  # "year", "age", "country", "flag", "category"
    levels: int


HIERARCHIES = {
    "yearOfRegistration": Hierarchy("year", 3),  # year → 2 years → 5 years → *
    "ageBroad": Hierarchy("age", 2),  # band → child/adult → *
    # country → UN sub-region → UN region → * (UN M49, as in CTDC's own region look-up)
    "citizenship": Hierarchy("country", 3),
    "CountryOfExploitation": Hierarchy("country", 3),
}


def hierarchy(field: str) -> Hierarchy:
    return HIERARCHIES.get(field, Hierarchy("category", 1))  # value → *


def check_fields(fields: list[str]) -> dict[str, str]:
    """Return {field: reason} for every field that may not be published."""
    out = {}
    for field in fields:
        if field in FORBIDDEN:
            out[field] = str(FORBIDDEN[field])
        elif field not in PUBLISHABLE:
            out[field] = str(_("not a field of the publication layout"))
    return out
