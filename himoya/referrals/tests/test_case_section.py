"""Panels the case page can show (collected from `case_section` on the app configs)."""

import pytest
from django.apps import apps
from django.template.loader import render_to_string
from django.test import RequestFactory

from himoya.assistance.models import SupportPlan
from himoya.referrals.tests.factories import give_consent, refer

pytestmark = pytest.mark.django_db


def sections(user, case):
    request = RequestFactory().get("/")
    request.user = user
    found = []
    for label in ("referrals", "assistance"):
        section = apps.get_app_config(label).case_section(request, case)
        if section:
            found.append(render_to_string(section["template"], {"section": section}))
    return found


def test_case_organisation_sees_both_panels(world):
    give_consent(world.case, world.worker, world.shelter)
    refer(world.case, world.worker, world.shelter)
    SupportPlan.objects.create(case=world.case, needs=["shelter"])
    referrals_panel, assistance_panel = sections(world.worker, world.case)
    assert "Open referrals: 1 of 1" in referrals_panel
    assert "Shelter" in assistance_panel and "0 services delivered" in assistance_panel


def test_receiver_and_lawyer_get_no_panels(world):
    give_consent(world.case, world.worker, world.shelter)
    refer(world.case, world.worker, world.shelter)
    assert sections(world.shelter_worker, world.case) == []
    assert sections(world.lawyer, world.case) == []
