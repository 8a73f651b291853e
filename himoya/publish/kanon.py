"""k-anonymous micro-data: generalise quasi-identifiers step by step, then suppress.

The method is Datafly (Sweeney 2002): while more records sit in classes smaller than k
than may be suppressed, generalise the quasi-identifier with the most distinct values one
step up its hierarchy; then drop the records still in classes smaller than k. Every
combination of the published quasi-identifiers then describes at least k persons.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from himoya.publish.fields import SUPPRESSED, hierarchy

NOT_RECORDED = ""
OTHER = "Other"


@cache
def un_regions() -> dict[str, tuple[str, str]]:
    """ISO 3166-1 alpha-2 → (UN M49 sub-region, region), from CTDC's region look-up."""
    path = Path(__file__).resolve().parent / "data" / "un_regions.json"
    return {k: tuple(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def as_text(series: pd.Series) -> pd.Series:
    def one(v):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return NOT_RECORDED
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return series.map(one)


def _year_bin(value: str, width: int) -> str:
    if not value.isdigit():
        return value
    first = int(value) // width * width
    return f"{first}–{first + width - 1}"


def generalise(series: pd.Series, field_name: str, level: int, frequent: set[str]) -> pd.Series:
    """Return the field's values at `level` of its hierarchy (0: as recorded)."""
    h = hierarchy(field_name)
    if level <= 0:
        return series
    if level >= h.levels:
        return pd.Series(SUPPRESSED, index=series.index)
    if h.kind == "year":
        width = 2 if level == 1 else 5
        return series.map(lambda v: _year_bin(v, width))
    if h.kind == "age":
        from himoya.vocab import registry

        def majority(v: str) -> str:
            # CTDC writes bands as "21--23"; the vocabulary as "21-23".
            entry = registry.get("age_group", v.replace("--", "-")) if v else None
            return entry.parent if entry is not None and entry.parent else v

        return series.map(majority)
    if h.kind == "country":
        regions = un_regions()
        return series.map(
            lambda v: v if v == NOT_RECORDED else regions.get(v, (OTHER, OTHER))[level - 1]
        )
    return pd.Series(SUPPRESSED, index=series.index)


@dataclass
class Result:
    data: pd.DataFrame
    k: int
    levels: dict[str, int]
    generalised_values: dict[str, int]
    suppressed_records: int
    records_in: int
    class_count: int
    smallest_class: int
    frequent: dict[str, set[str]] = field(default_factory=dict)
    l_diversity: int | None = None
    notes: list[str] = field(default_factory=list)


def class_sizes(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The size of each record's class over `columns` (aligned with the frame)."""
    if frame.empty:
        return pd.Series(dtype="int64")
    return frame.groupby(columns, sort=False, dropna=False, observed=True)[columns[0]].transform(
        "size"
    )


def anonymise(
    raw: pd.DataFrame,
    quasi_identifiers: list[str],
    k: int,
    *,
    max_suppressed: float = 0.05,
    sensitive: list[str] | None = None,
    progress=None,
) -> Result:
    """Generalise and suppress `raw` so every quasi-identifier class has at least k rows."""
    frame = pd.DataFrame({c: as_text(raw[c]) for c in raw.columns}, index=raw.index)
    original = frame.copy()
    frequent = {
        c: {v for v, n in frame[c].value_counts().items() if n >= k and v != NOT_RECORDED}
        for c in quasi_identifiers
    }
    levels = dict.fromkeys(quasi_identifiers, 0)
    limit = int(max_suppressed * len(frame))
    steps = 0
    while True:
        sizes = class_sizes(frame, quasi_identifiers)
        small = int((sizes < k).sum())
        if small <= limit:
            break
        candidates = [q for q in quasi_identifiers if levels[q] < hierarchy(q).levels]
        if not candidates:
            break
        widest = max(candidates, key=lambda q: (frame[q].nunique(), -levels[q]))
        levels[widest] += 1
        frame[widest] = generalise(original[widest], widest, levels[widest], frequent[widest])
        steps += 1
        if progress:
            progress(steps, None, widest)
    keep = sizes >= k
    published = frame[keep]
    generalised = {q: int((published[q] != original.loc[keep.values, q]).sum()) for q in levels}
    final = class_sizes(published, quasi_identifiers)
    result = Result(
        data=published.reset_index(drop=True),
        k=k,
        levels=levels,
        generalised_values=generalised,
        suppressed_records=int((~keep).sum()),
        records_in=len(frame),
        class_count=int(published.groupby(quasi_identifiers, dropna=False).ngroups)
        if len(published)
        else 0,
        smallest_class=int(final.min()) if len(final) else 0,
        frequent=frequent,
    )
    if sensitive and len(published):
        diverse = published.groupby(quasi_identifiers, dropna=False)[sensitive[0]].nunique()
        result.l_diversity = int(diverse.min())
    return result


def generalise_like(raw: pd.DataFrame, result: Result, quasi_identifiers: list[str]):
    """Apply a release's generalisation to other rows (the whole register)."""
    frame = pd.DataFrame({c: as_text(raw[c]) for c in quasi_identifiers}, index=raw.index)
    frequent = {
        c: {v for v, n in frame[c].value_counts().items() if n >= result.k and v != NOT_RECORDED}
        for c in quasi_identifiers
    }
    return pd.DataFrame(
        {q: generalise(frame[q], q, result.levels[q], frequent[q]) for q in quasi_identifiers}
    )
