"""The code lists a case uses, read from the vocabulary registry.

Some lists (`sex`, `age_group`, `country`, `tj_district`) are being added to the
vocabulary; until a list is present its codes are accepted as given, so nothing here
spells a list of its own.
"""

import re
from functools import cache
from typing import cast

from himoya.vocab import registry

SEX = "sex"
AGE_GROUP = "age_group"
COUNTRY = "country"
REGION = "tj_region"
DISTRICT = "tj_district"
TRAFFICKING_STATUS = "vic_TraffickingStatus"
DECIDING_ORG = "vic_TraffickingStatusDecisionMakingOrg"
CASE_STATUS = "cas_Status"
CLOSURE_REASON = "cases_ClosureReason"
EVENT_KIND = "case_event"

PRESUMED = "PossibleVictimOfTrafficking"
IDENTIFIED = "ActualVictimOfTrafficking"
NOT_A_VICTIM = "NotAVictimOfTrafficking"
OPEN_STATUSES = ("Active", "FollowUp")
CLOSED_STATUSES = ("Closed", "ClosedReferred")

# Age bands used until the vocabulary's `age_group` list arrives (CTDC's ageBroad).
_FALLBACK_AGE_BANDS = ("0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+")


def has_list(name: str) -> bool:
    return registry.has(name)


def is_valid(name: str, code: str) -> bool:
    """Tell whether `code` belongs to list `name` (any code, while the list is absent)."""
    if not code:
        return True
    return registry.is_valid(name, code) if has_list(name) else True


def choices(name: str, blank: bool = False) -> list[tuple[str, str]]:
    """Return (code, label) pairs of a list; empty while the list is absent."""
    if not has_list(name):
        return []
    return registry.choices(name, blank=blank)


def label(name: str, code: str) -> str:
    if not code:
        return ""
    return registry.label(name, code) if has_list(name) else code


def _band(code: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(\d+)\s*(?:-+\s*(\d+)|\+)\s*", code)
    if not match:
        return None
    low = int(match.group(1))
    return low, int(match.group(2)) if match.group(2) else 200


@cache
def age_bands() -> list[tuple[str, int, int]]:
    """Return (code, youngest, oldest) for each age band of the `age_group` list."""
    if has_list(AGE_GROUP):
        bands = []
        entries = registry.codelist(AGE_GROUP)
        # Broad groups (child, adult) are parents of the fine bands; cases store fine bands.
        parents = {e.parent for e in entries if e.parent}
        for entry in entries:
            if entry.code in parents:
                continue
            low, high = entry.extra.get("min"), entry.extra.get("max")
            if low is not None:
                bands.append((entry.code, int(low), int(high if high is not None else 200)))
            elif (band := _band(entry.code)) is not None:
                bands.append((entry.code, *band))
        if bands:
            return bands
    return [(code, *cast(tuple[int, int], _band(code))) for code in _FALLBACK_AGE_BANDS]


def age_group_for(age: int | None) -> str:
    """Return the age-group code of an age in years ("unknown" when not known)."""
    unknown = "unknown" if is_valid(AGE_GROUP, "unknown") else ""
    if age is None:
        return unknown
    for code, low, high in age_bands():
        if code != "unknown" and low <= age <= high:
            return code
    return unknown


def age_group_members(code: str) -> list[str]:
    """Return the stored band codes a chosen age group covers (a broad group's bands)."""
    if has_list(AGE_GROUP):
        children = [e.code for e in registry.codelist(AGE_GROUP) if e.parent == code]
        if children:
            return children
    return [code]


def event_label(kind: str) -> str:
    """Label of a timeline event kind; other apps add lists named `case_event_<app>`."""
    for name in registry.names():
        if name.startswith(EVENT_KIND) and registry.is_valid(name, kind):
            return registry.label(name, kind)
    return kind
