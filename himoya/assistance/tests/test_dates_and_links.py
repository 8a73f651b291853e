"""Future dates are refused where something already happened; pages say which case."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from himoya.assistance.actions import do_schedule_follow_ups
from himoya.assistance.models import FollowUp, ServiceDelivery, SupportPlan

pytestmark = pytest.mark.django_db


def tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def plan(world):
    return SupportPlan.objects.create(case=world.case, goals="Safe housing", needs=["shelter"])


@pytest.fixture
def follow_up(world):
    return do_schedule_follow_ups(world.case, closed_on=datetime.date(2025, 1, 10))[0]


def test_service_delivered_in_the_future_is_refused(client, login, world):
    login(world.worker)
    response = client.post(
        reverse("service_delivery_add", args=[world.case.pk]),
        {
            "service": "medical",
            "provider": world.ngo.pk,
            "started_on": tomorrow(),
            "outcome": "completed",
        },
    )
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    assert not ServiceDelivery.objects.exists()


def test_service_ending_in_the_future_is_refused(client, login, world):
    login(world.worker)
    response = client.post(
        reverse("service_delivery_add", args=[world.case.pk]),
        {
            "service": "medical",
            "provider": world.ngo.pk,
            "started_on": "2026-03-02",
            "ended_on": tomorrow(),
            "outcome": "completed",
        },
    )
    assert response.status_code == 200
    assert not ServiceDelivery.objects.exists()


def test_follow_up_done_in_the_future_is_refused(client, login, world, follow_up):
    login(world.worker)
    response = client.post(
        reverse("follow_up_edit", args=[follow_up.pk]),
        {"done_on": tomorrow(), "outcome": "reintegrated"},
    )
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_plan_closed_in_the_future_is_refused_and_schedules_nothing(client, login, world, plan):
    login(world.worker)
    response = client.post(reverse("plan_close", args=[world.case.pk]), {"closed_on": tomorrow()})
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    plan.refresh_from_db()
    assert plan.closed_on is None
    assert not FollowUp.objects.exists()


def test_today_is_accepted(client, login, world, plan):
    login(world.worker)
    today = timezone.localdate().isoformat()
    assert (
        client.post(reverse("plan_close", args=[world.case.pk]), {"closed_on": today}).status_code
        == 302
    )


def test_follow_up_form_says_which_case_it_is_for(client, login, world, follow_up):
    login(world.worker)
    page = client.get(reverse("follow_up_edit", args=[follow_up.pk])).content.decode()
    assert world.case.reference in page
    assert f'href="{reverse("case_detail", args=[world.case.pk])}"' in page


def test_support_plan_pages_link_back_to_the_case(client, login, world, plan):
    login(world.worker)
    case_url = f'href="{reverse("case_detail", args=[world.case.pk])}"'
    assert case_url in client.get(reverse("case_assistance", args=[world.case.pk])).content.decode()
    assert case_url in client.get(reverse("plan_edit", args=[world.case.pk])).content.decode()
