"""The demo looks like a living office today: recent work, places where they belong."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from himoya.assistance.models import FollowUp
from himoya.referrals.models import Referral
from himoya.screening.models import Screening
from himoya.vocab import registry


@pytest.fixture
def demo(db):
    call_command("demo", cases=150, seed=11)
    return timezone.localdate()


def test_screening_places_lie_in_their_region(demo):
    from himoya.screening.demo import PLACES

    region_of_place = {place: region for region, rows in PLACES.items() for _d, place in rows}
    screenings = list(Screening.objects.all())
    assert len(screenings) > 50
    for s in screenings:
        assert region_of_place[s.place] == s.region, (s.place, s.region)
        assert registry.get("tj_district", s.district).parent == s.region


def test_no_follow_up_is_left_overdue_for_long(demo):
    open_and_due = FollowUp.objects.filter(done_on__isnull=True, due_on__lt=demo)
    oldest = min((f.due_on for f in open_and_due), default=demo)
    assert demo - oldest <= datetime.timedelta(days=14), oldest
    assert FollowUp.objects.filter(done_on__isnull=False).exists()  # a history, too


def test_work_in_progress_is_recent(demo):
    months_ago = timezone.now() - datetime.timedelta(days=130)
    stale = Referral.objects.filter(sent_at__lt=months_ago, status__in=["sent", "accepted"])
    assert not stale.exists()
    latest = Screening.objects.order_by("-screened_at").first().screened_at
    assert timezone.localdate(latest) >= demo - datetime.timedelta(days=14)
