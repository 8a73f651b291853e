"""Figures about proceedings for statistics, and the hearings calendar.

Each figure takes an optional period (`start`, `end`, inclusive dates) and optional
`organisation_ids` (investigating agencies); None means all. The date that places a
record in the period is named in each docstring. Persons are counted once per figure,
however many proceedings they appear in.
"""

import datetime
import statistics
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from himoya.justice.models import (
    Defendant,
    Hearing,
    LegalRepresentation,
    Proceeding,
    StageChange,
    VictimParticipation,
)
from himoya.stats import figures, protection


def _period(field: str, start, end) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lte": end})
    return q


def _proceedings(organisation_ids) -> Q:
    return Q() if organisation_ids is None else Q(organisation_id__in=organisation_ids)


def upcoming_hearings(user, limit: int = 20):
    """Hearings and deadlines from today on, in the proceedings the user may see."""
    from himoya.access.justice import proceedings_visible_to

    return (
        Hearing.objects.filter(
            proceeding__in=proceedings_visible_to(user).values("pk"),
            on__gte=timezone.localdate(),
        )
        .select_related("proceeding")
        .order_by("on", "at", "id")[:limit]
    )


def proceedings_by_article_and_stage(
    start=None, end=None, organisation_ids=None, protected=False
) -> list[dict]:
    """Criminal proceedings opened in the period, by article charged and current stage.

    A proceeding charged under two articles counts once under each.
    """
    found = figures.counts(
        "proceedings",
        ("article", "stage"),
        start,
        end,
        organisation_ids,
        filters={"kind": "criminal"},
        protected=protected,
    )
    return [
        {"article": article, "stage": stage, "proceedings": n}
        for (article, stage), n in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1]))
        if article is not None
    ]


def _defendants(organisation_ids):
    qs = Defendant.objects.filter(proceeding__kind="criminal")
    if organisation_ids is not None:
        qs = qs.filter(proceeding__organisation_id__in=organisation_ids)
    return qs


STATUS_INDICATORS = {"suspected": "suspects", "prosecuted": "prosecuted", "convicted": "convicted"}


def persons_by_status(
    start=None, end=None, organisation_ids=None, by=("sex", "citizenship"), protected=False
):
    """Persons suspected, prosecuted and convicted, by sex and citizenship.

    Suspected: in a proceeding opened in the period. Prosecuted: indicted in the period.
    Convicted: convicted by a decision dated in the period.
    """
    by = tuple(by)
    table: dict[tuple, dict] = {}
    for status, indicator in STATUS_INDICATORS.items():
        found = figures.counts(indicator, by, start, end, organisation_ids, protected=protected)
        for key, n in found.items():
            entry = table.setdefault(
                key,
                {
                    **dict(zip(by, key, strict=True)),
                    "suspected": 0,
                    "prosecuted": 0,
                    "convicted": 0,
                },
            )
            entry[status] = n
    return sorted(table.values(), key=lambda e: tuple(str(e[f]) for f in by))


PRISON_BRACKETS = [(0, 60, "under5"), (60, 120, "from5to10"), (120, 10**6, "over10")]


def sentences(start=None, end=None, organisation_ids=None, protected=False) -> dict:
    """Convicted persons by sentence type, and prison terms by length (decision in period).

    `convicted` is the engine's count of persons (a person convicted twice counts once);
    the sentences are counted per conviction.
    """
    convicted = (
        _defendants(organisation_ids)
        .filter(status="convicted")
        .filter(_period("proceeding__outcome_on", start, end))
    )
    by_type: dict[str, set] = {"prison": set(), "suspended": set(), "fine": set(), "amnesty": set()}
    by_length: dict[str, set] = {label: set() for _lo, _hi, label in PRISON_BRACKETS}
    for d in convicted:
        for t in d.sentence_types():
            by_type[t].add(d.pk)
        if d.prison_months and not d.suspended:
            for lo, hi, label in PRISON_BRACKETS:
                if lo <= d.prison_months < hi:
                    by_length[label].add(d.pk)
    persons = figures.total("convicted", start, end, organisation_ids, protected=protected)
    return {
        "convicted": persons,
        "by_type": {k: _count(v, protected) for k, v in by_type.items()},
        "prison_by_length": {k: _count(v, protected) for k, v in by_length.items()},
    }


def _count(ids: set, protected: bool) -> int:
    return protection.protect_ids(ids) if protected else len(ids)


def _enough(n: int, protected: bool) -> bool:
    """Amounts and medians rest on enough records to be published to a protected viewer."""
    return not protected or n >= protection.MIN_RECORDS_FOR_SUMMARIES


def compensation(start=None, end=None, organisation_ids=None, protected=False) -> dict:
    """Compensation ordered and paid, in somoni, for decisions dated in the period."""
    qs = Proceeding.objects.filter(
        _proceedings(organisation_ids) & _period("outcome_on", start, end),
        compensation_ordered__isnull=False,
    )
    sums = qs.aggregate(ordered=Sum("compensation_ordered"), paid=Sum("compensation_paid"))
    ids = set(qs.values_list("id", flat=True))
    shown = _enough(len(ids), protected)
    return {
        "proceedings": _count(ids, protected),
        "ordered": (sums["ordered"] or Decimal("0")) if shown else None,
        "paid": (sums["paid"] or Decimal("0")) if shown else None,
    }


def victims_with_representation(
    start=None, end=None, organisation_ids=None, protected=False
) -> dict:
    """Victims (cases) taking part in proceedings since a date in the period, and how many
    of them had a lawyer at any time in that proceeding."""
    parts = VictimParticipation.objects.filter(_period("joined_on", start, end))
    if organisation_ids is not None:
        parts = parts.filter(proceeding__organisation_id__in=organisation_ids)
    case_ids = set(parts.values_list("case_id", flat=True))
    represented = set(
        LegalRepresentation.objects.filter(
            case_id__in=case_ids, proceeding__in=parts.values("proceeding_id")
        ).values_list("case_id", flat=True)
    )
    return {"victims": _count(case_ids, protected), "represented": _count(represented, protected)}


def median_days_identification_to_verdict(
    start=None, end=None, organisation_ids=None, protected=False
):
    """Median days from a victim's identification to the first verdict in a proceeding
    they take part in (verdicts dated in the period); None when there is none."""
    verdicts = StageChange.objects.filter(stage="verdict").filter(_period("on", start, end))
    if organisation_ids is not None:
        verdicts = verdicts.filter(proceeding__organisation_id__in=organisation_ids)
    first_verdict: dict[int, datetime.date] = {}
    rows = VictimParticipation.objects.filter(
        proceeding__in=verdicts.values("proceeding_id"), case__identified_on__isnull=False
    ).values_list("case_id", "case__identified_on", "proceeding_id")
    verdict_on = dict(verdicts.values_list("proceeding_id", "on"))
    identified: dict[int, datetime.date] = {}
    for case_id, identified_on, proceeding_id in rows:
        identified[case_id] = identified_on
        on = verdict_on[proceeding_id]
        if case_id not in first_verdict or on < first_verdict[case_id]:
            first_verdict[case_id] = on
    days = [(first_verdict[c] - identified[c]).days for c in first_verdict]
    return statistics.median(days) if days and _enough(len(days), protected) else None
