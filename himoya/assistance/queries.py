"""Figures on assistance for the statistics pages.

`organisations` limits to cases of those organisations (None: all). Periods are inclusive
days. Small-cell suppression is the caller's job.

A case has a **complete support package** when all of these hold:
1. it has a support plan that names at least one need;
2. every need in the plan was met by a service of that type, delivered (by any provider)
   with the outcome "completed";
3. at least one risk assessment was made for it.
Counting unit: one case.
"""

import datetime

from django.db.models import Q, Sum

from himoya.assistance.models import RiskAssessment, ServiceDelivery, SupportPlan
from himoya.stats import figures
from himoya.vocab import registry


def _period(qs, field, start, end):
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def _orgs(qs, organisations, field="case__organisation_id"):
    return qs if organisations is None else qs.filter(**{f"{field}__in": list(organisations)})


def services_delivered_by_type(start=None, end=None, organisations=None) -> list[dict]:
    """Services that started in the period, by type.

    Rows: {"key", "label", "spl_Type", "count", "cases", "cost_somoni"}; counting unit one
    service delivered (and, in "cases", distinct cases), both from the indicator engine;
    a service belongs to the provider's and the case owner's figures. Cost sums the
    costs recorded (a sum, so it is added up here).
    """
    by = ("service",)
    counts = figures.counts("services", by, start, end, organisations)
    cases = figures.counts("cases_served", by, start, end, organisations)
    qs = _period(ServiceDelivery.objects.all(), "started_on", start, end)
    if organisations is not None:
        ids = list(organisations)
        qs = qs.filter(Q(provider_id__in=ids) | Q(case__organisation_id__in=ids))
    costs = dict(
        qs.values("service").annotate(cost=Sum("cost_somoni")).values_list("service", "cost")
    )
    out = []
    for (service,), n in counts.items():
        code = registry.get("assistance_service", service)
        out.append(
            {
                "key": service,
                "label": registry.label("assistance_service", service),
                "spl_Type": code.extra.get("spl_Type", "") if code else "",
                "count": n,
                "cases": cases.get((service,), 0),
                "cost_somoni": costs.get(service),
            }
        )
    return sorted(out, key=lambda r: (-r["count"], r["key"]))


def has_complete_package(plan: SupportPlan, completed: set[str], assessed: bool) -> bool:
    return bool(plan.needs) and set(plan.needs) <= completed and assessed


def complete_support_packages(start=None, end=None, organisations=None) -> dict:
    """Cases with a support plan, and how many of them have a complete package (see above).

    The period filters on the day the case was registered.
    """
    plans = _orgs(
        _period(SupportPlan.objects.all(), "case__registered_on", start, end), organisations
    )
    plans = list(plans.only("case_id", "needs"))
    case_ids = [p.case_id for p in plans]
    completed: dict[int, set[str]] = {}
    for case_id, service in ServiceDelivery.objects.filter(
        case_id__in=case_ids, outcome="completed"
    ).values_list("case_id", "service"):
        completed.setdefault(case_id, set()).add(service)
    assessed = set(
        RiskAssessment.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True)
    )
    complete = [
        p.case_id
        for p in plans
        if has_complete_package(p, completed.get(p.case_id, set()), p.case_id in assessed)
    ]
    return {"cases_with_plan": len(plans), "complete": len(complete), "case_ids": complete}


def follow_up_outcomes(start=None, end=None, organisations=None) -> dict:
    """Follow-ups due in the period: done ones by outcome, re-victimised, not yet done.

    Counting unit: one follow-up (a case has up to three); "re_victimised_cases" counts
    cases. Every count comes from the indicator engine. Returns {"by_outcome": [rows],
    "re_victimised_cases": n, "done": n, "not_done": n, "overdue": n}.
    """
    done = {"done_on__isnull": False}
    not_done = {"done_on__isnull": True}
    today = datetime.date.today()
    rows = figures.counts("follow_ups", ("outcome",), start, end, organisations, done)
    return {
        "by_outcome": sorted(
            (
                {
                    "key": outcome,
                    "label": registry.label("followup_outcome", outcome),
                    "count": n,
                }
                for (outcome,), n in rows.items()
            ),
            key=lambda r: (-r["count"], r["key"]),
        ),
        "re_victimised_cases": figures.total(
            "follow_up_cases", start, end, organisations, {**done, "trafficked_again": True}
        ),
        "done": figures.total("follow_ups", start, end, organisations, done),
        "not_done": figures.total("follow_ups", start, end, organisations, not_done),
        "overdue": figures.total(
            "follow_ups", start, end, organisations, {**not_done, "due_on__lt": today}
        ),
    }
