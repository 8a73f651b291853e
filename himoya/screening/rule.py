"""The classification rule: ILO–European Commission operational indicators of trafficking.

Source: ILO and European Commission, "Operational indicators of trafficking in human
beings" (Delphi survey, 2009). Each indicator belongs to one dimension and has a strength.

A dimension is POSITIVE when the indicators answered "yes" reach one of:
    2 strong; or 1 strong + 1 medium or weak; or 3 medium; or 2 medium + 1 weak.

A dimension that is not positive is UNDECIDED when both hold:
    (a) the unresolved indicators (answered unknown, declined, or not answered) could still
        make it positive if they turned out to be "yes", and
    (b) fewer than half of its indicators got a clear yes / no answer.
Otherwise it is NEGATIVE. So a "no" is trusted once half the questions were answered
clearly, or once nothing left open could change the result.

Classification (the suggestion; the responder decides):
    presumed_victim  every needed dimension is positive. Needed: recruitment (the act),
                     exploitation and coercion (the means) for an adult; recruitment and
                     exploitation for a child (the means are not required for a child).
    insufficient     no needed dimension is negative, but at least one is undecided: the
                     answers cannot yet tell; `missing` lists the open indicators of the
                     undecided needed dimensions.
    at_risk          not the above, and at least one dimension (including vulnerability) is
                     positive or at least one strong indicator was answered "yes".
    not_victim       otherwise.
Indicators without a dimension (safety triage, profile questions) do not count.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

STRONG, MEDIUM, WEAK = "strong", "medium", "weak"
YES, NO, UNKNOWN, DECLINED = "yes", "no", "unknown", "declined"

RECRUITMENT, EXPLOITATION, COERCION, VULNERABILITY = (
    "recruitment",
    "exploitation",
    "coercion",
    "vulnerability",
)
DIMENSIONS = (RECRUITMENT, EXPLOITATION, COERCION, VULNERABILITY)
NEEDED = {"adult": (RECRUITMENT, EXPLOITATION, COERCION), "child": (RECRUITMENT, EXPLOITATION)}

PRESUMED_VICTIM, AT_RISK, NOT_VICTIM, INSUFFICIENT = (
    "presumed_victim",
    "at_risk",
    "not_victim",
    "insufficient",
)
POSITIVE, NEGATIVE, UNDECIDED = "positive", "negative", "undecided"
MIN_CLEAR_SHARE = 0.5  # (b) above


@dataclass(frozen=True)
class Item:
    """What the rule needs to know about one indicator."""

    code: str
    dimension: str
    strength: str


@dataclass
class DimensionResult:
    dimension: str
    state: str
    because: list[str] = field(default_factory=list)  # "yes" indicators, strongest first
    open: list[str] = field(default_factory=list)  # unknown / declined / unanswered
    total: int = 0

    @property
    def positive(self) -> bool:
        return self.state == POSITIVE


@dataclass
class Result:
    classification: str
    dimensions: dict[str, DimensionResult]
    needed: tuple[str, ...]
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "classification": self.classification,
            "needed": list(self.needed),
            "missing": self.missing,
            "dimensions": {
                d: {"state": r.state, "because": r.because, "open": r.open, "total": r.total}
                for d, r in self.dimensions.items()
            },
        }


def is_positive(strong: int, medium: int, weak: int) -> bool:
    """Apply the ILO–EC threshold to counts of "yes" answers in one dimension."""
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def _counts(items: Iterable[Item]) -> tuple[int, int, int]:
    strengths = [i.strength for i in items]
    return strengths.count(STRONG), strengths.count(MEDIUM), strengths.count(WEAK)


_ORDER = {STRONG: 0, MEDIUM: 1, WEAK: 2}


def judge_dimension(dimension: str, items: list[Item], answers: Mapping[str, str]):
    yes = [i for i in items if answers.get(i.code) == YES]
    clear = [i for i in items if answers.get(i.code) in (YES, NO)]
    open_ = [i for i in items if answers.get(i.code) not in (YES, NO)]
    if is_positive(*_counts(yes)):
        state = POSITIVE
    elif is_positive(*_counts(yes + open_)) and len(clear) < MIN_CLEAR_SHARE * len(items):
        state = UNDECIDED
    else:
        state = NEGATIVE
    return DimensionResult(
        dimension=dimension,
        state=state,
        because=[i.code for i in sorted(yes, key=lambda i: _ORDER.get(i.strength, 3))],
        open=[i.code for i in open_],
        total=len(items),
    )


def classify(items: Iterable[Item], answers: Mapping[str, str], age_group: str) -> Result:
    """Suggest a classification from indicator answers (see the module docstring)."""
    items = [i for i in items if i.dimension in DIMENSIONS]
    dims = {
        d: judge_dimension(d, [i for i in items if i.dimension == d], answers) for d in DIMENSIONS
    }
    needed = NEEDED["child" if age_group == "child" else "adult"]
    states = [dims[d].state for d in needed]
    missing: list[str] = []
    if all(s == POSITIVE for s in states):
        classification = PRESUMED_VICTIM
    elif NEGATIVE not in states:
        classification = INSUFFICIENT
        missing = [c for d in needed if dims[d].state == UNDECIDED for c in dims[d].open]
    elif any(r.positive for r in dims.values()) or any(
        i.strength == STRONG and answers.get(i.code) == YES for i in items
    ):
        classification = AT_RISK
    else:
        classification = NOT_VICTIM
    return Result(classification, dims, needed, missing)


def needs_reason(suggested: str, decided: str) -> bool:
    """Tell whether a decision departs from the suggestion, so that a reason is due.

    Deciding while the rule says "insufficient" departs from it too.
    """
    return bool(decided) and decided != suggested
