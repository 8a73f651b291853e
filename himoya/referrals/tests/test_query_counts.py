"""List pages make the same number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from himoya.cases.tests.factories import register_case
from himoya.referrals.models import ServiceOffer
from himoya.referrals.tests.factories import give_consent, refer

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_referrals(world, n):
    for _ in range(n):
        case = register_case(world.ngo, world.worker)
        give_consent(case, world.worker, world.shelter)
        refer(case, world.worker, world.shelter, services=["shelter", "medical"])


def test_inbox_queries_do_not_grow_with_referrals(client, login, world):
    login(world.shelter_worker)
    add_referrals(world, 2)
    few = queries_for(client, reverse("referral_inbox"))
    add_referrals(world, 4)
    assert queries_for(client, reverse("referral_inbox")) == few


def test_service_list_queries_do_not_grow_with_offers(client, login, world, make_org):
    login(world.worker)
    ServiceOffer.objects.create(organisation=world.shelter, service="shelter", regions=["TJ-SU"])
    few = queries_for(client, reverse("service_list"))
    for i in range(5):
        ServiceOffer.objects.create(organisation=make_org(f"o{i}"), service="shelter")
    assert queries_for(client, reverse("service_list")) == few


def test_case_referrals_queries_do_not_grow(client, login, world, make_org):
    login(world.worker)
    url = reverse("case_referrals", args=[world.case.pk])
    give_consent(world.case, world.worker, world.shelter)
    refer(world.case, world.worker, world.shelter)
    few = queries_for(client, url)
    for i in range(3):
        org = make_org(f"r{i}")
        give_consent(world.case, world.worker, org)
        refer(world.case, world.worker, org)
    assert queries_for(client, url) == few
