import pytest
from django.core.management import call_command

from himoya.assistance import queries as assistance_queries
from himoya.referrals import queries
from himoya.referrals.models import ReferralGrant, ServiceOffer


@pytest.mark.django_db
def test_demo_builds_directory_referrals_and_assistance():
    call_command("demo", cases=120, seed=7)
    assert ServiceOffer.objects.filter(organisation__slug="sughd-shelter", service="shelter")
    by_outcome = {r["key"]: r["count"] for r in queries.referrals_by("outcome")}
    assert sum(by_outcome.values()) > 0 and "completed" in by_outcome
    assert queries.median_hours_to_acceptance()["median_hours"] is not None
    assert assistance_queries.services_delivered_by_type()
    # Every grant of a referral that is no longer open has ended.
    assert not ReferralGrant.objects.filter(
        ends_at__isnull=True, referral__status__in=["declined", "completed", "stopped"]
    ).exists()
