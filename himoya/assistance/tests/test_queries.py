import datetime
from decimal import Decimal

import pytest

from himoya.assistance import queries
from himoya.assistance.actions import do_schedule_follow_ups
from himoya.assistance.models import FollowUp, RiskAssessment, ServiceDelivery, SupportPlan
from himoya.cases.tests.factories import register_case

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH_5 = D(2026, 3, 5)


def deliver(case, org, user, service, outcome="completed", cost=None, started=MARCH_5):
    return ServiceDelivery.objects.create(
        case=case,
        provider=org,
        service=service,
        outcome=outcome,
        cost_somoni=cost,
        started_on=started,
        recorded_by=user,
    )


def assess(case, user):
    RiskAssessment.objects.create(
        case=case,
        organisation=case.organisation,
        assessed_on=D(2026, 3, 3),
        level="low",
        assessed_by=user,
    )


def test_services_delivered_by_type_with_cost(world):
    deliver(world.case, world.shelter, world.worker, "shelter", cost=Decimal("100"))
    deliver(world.case, world.shelter, world.worker, "shelter", cost=Decimal("50.5"))
    deliver(world.case, world.ngo, world.worker, "legal")
    deliver(world.case, world.ngo, world.worker, "legal", started=D(2025, 1, 1))
    rows = queries.services_delivered_by_type(start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert [(r["key"], r["count"], r["cases"], r["cost_somoni"], r["spl_Type"]) for r in rows] == [
        ("shelter", 2, 1, Decimal("150.50"), "SocialCare"),
        ("legal", 1, 1, None, "Legal"),
    ]
    assert queries.services_delivered_by_type(organisations=[world.outsider.pk]) == []


def test_complete_support_package(world):
    complete = world.case
    SupportPlan.objects.create(case=complete, needs=["shelter", "medical"])
    deliver(complete, world.shelter, world.worker, "shelter")
    deliver(complete, world.ngo, world.worker, "medical")
    assess(complete, world.worker)

    missing_service = register_case(world.ngo, world.worker)
    SupportPlan.objects.create(case=missing_service, needs=["shelter", "legal"])
    deliver(missing_service, world.shelter, world.worker, "shelter")
    deliver(missing_service, world.ngo, world.worker, "legal", outcome="ongoing")
    assess(missing_service, world.worker)

    no_risk = register_case(world.ngo, world.worker)
    SupportPlan.objects.create(case=no_risk, needs=["shelter"])
    deliver(no_risk, world.shelter, world.worker, "shelter")

    empty_plan = register_case(world.ngo, world.worker)
    SupportPlan.objects.create(case=empty_plan, needs=[])
    assess(empty_plan, world.worker)

    figure = queries.complete_support_packages()
    assert figure["cases_with_plan"] == 4
    assert figure["complete"] == 1 and figure["case_ids"] == [complete.pk]


def test_follow_up_outcomes(world):
    do_schedule_follow_ups(world.case, closed_on=D(2025, 1, 15))
    other = register_case(world.ngo, world.worker)
    do_schedule_follow_ups(other, closed_on=D(2025, 1, 15))
    three, six, _ = FollowUp.objects.filter(case=world.case).order_by("months_after_closure")
    FollowUp.objects.filter(pk=three.pk).update(done_on=D(2025, 4, 20), outcome="reintegrated")
    FollowUp.objects.filter(pk=six.pk).update(
        done_on=D(2025, 7, 20), outcome="re_victimised", re_victimised=True
    )
    other_three = FollowUp.objects.get(case=other, months_after_closure=3)
    FollowUp.objects.filter(pk=other_three.pk).update(
        done_on=D(2025, 4, 20), outcome="reintegrated"
    )
    figure = queries.follow_up_outcomes(start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert [(r["key"], r["count"]) for r in figure["by_outcome"]] == [
        ("reintegrated", 2),
        ("re_victimised", 1),
    ]
    assert figure["re_victimised_cases"] == 1
    assert figure["done"] == 3 and figure["not_done"] == 1 and figure["overdue"] == 1
    whole = queries.follow_up_outcomes()
    assert whole["not_done"] == 3
