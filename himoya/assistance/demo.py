"""Demo support plans, services, risk reviews and follow-ups for referred demo cases."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from himoya.assistance.actions import add_months, do_schedule_follow_ups
from himoya.assistance.models import FollowUp, RiskAssessment, ServiceDelivery, SupportPlan
from himoya.referrals.models import Referral

COST = {"shelter": 1200, "medical": 450, "legal": 800, "return": 2500, "material": 600}


@transaction.atomic
def populate(ctx: dict) -> None:
    if SupportPlan.objects.exists():
        return
    rng = random.Random(int(ctx.get("seed", 2026)) + 5)
    referrals = (
        Referral.objects.filter(to_organisation__isnull=False)
        .select_related("case", "to_organisation", "sent_by")
        .prefetch_related("services")
    )
    plans = deliveries = 0
    for referral in referrals:
        case = referral.case
        services = referral.service_codes()
        start = referral.sent_at.date()
        SupportPlan.objects.create(
            case=case,
            goals="Safety and recovery; legal status; return to work",
            needs=services,
            reflection_starts_on=start,
            reflection_ends_on=start + datetime.timedelta(days=30),
            updated_by=referral.sent_by,
        )
        plans += 1
        RiskAssessment.objects.create(
            case=case,
            organisation=case.organisation,
            assessed_on=start,
            level=rng.choice(["low", "medium", "high"]),
            safety_plan="Safe contact person; new phone number",
            assessed_by=referral.sent_by,
        )
        if referral.status not in ("delivered", "completed") or referral.to_organisation is None:
            continue
        for service in services:
            ServiceDelivery.objects.create(
                case=case,
                service=service,
                provider=referral.to_organisation,
                referral=referral,
                started_on=start + datetime.timedelta(days=1),
                ended_on=start + datetime.timedelta(days=rng.randint(5, 60)),
                cost_somoni=Decimal(COST.get(service, 300)),
                outcome=rng.choice(["completed", "completed", "completed", "discontinued"]),
                recorded_by=referral.sent_by,
            )
            deliveries += 1
        if referral.status == "completed" and rng.random() < 0.6:
            closed = start + datetime.timedelta(days=90)
            do_schedule_follow_ups(case, closed_on=closed)
            today = datetime.date.today()
            for follow_up in FollowUp.objects.filter(case=case):
                due = add_months(closed, follow_up.months_after_closure)
                # A living office: what fell due weeks ago was done; the last fortnight's
                # calls are partly still to make (a few overdue, none from years back).
                if due < today - datetime.timedelta(days=14) or (
                    due < today and rng.random() < 0.5
                ):
                    outcome = rng.choices(
                        ["reintegrated", "needs_support", "re_victimised", "not_reached"],
                        weights=[70, 15, 5, 10],
                    )[0]
                    FollowUp.objects.filter(pk=follow_up.pk).update(
                        done_on=due, outcome=outcome, re_victimised=outcome == "re_victimised"
                    )
    if ctx.get("stdout"):
        ctx["stdout"].write(f"{plans} demo support plans, {deliveries} services delivered.")
