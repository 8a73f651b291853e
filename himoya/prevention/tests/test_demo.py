import pytest
from django.core.management import call_command
from django.utils import timezone

from himoya.prevention.models import (
    ActionItem,
    ActionPlan,
    AwarenessEvent,
    Meeting,
    Participant,
    ProgressReport,
)


@pytest.mark.django_db
def test_demo_has_a_plan_with_a_year_of_progress_dialogues_training_and_campaigns():
    call_command("demo", cases=120, seed=7)
    plan = ActionPlan.objects.get()
    assert plan.status == ActionPlan.Status.ADOPTED
    quarters = set(ProgressReport.objects.values_list("year", "quarter"))
    assert len(quarters) == 4  # a year of reports; the current quarter is due
    assert ProgressReport.objects.filter(state="returned").exists()
    assert ProgressReport.objects.filter(values__from_statistics=True).exists()
    dialogues = Meeting.objects.filter(body=Meeting.Body.DIALOGUE)
    assert dialogues.count() == 4
    assert all(m.decisions.exists() and m.action_items.exists() for m in dialogues)
    today = timezone.localdate()
    assert dialogues.order_by("-held_on").first().held_on > today.replace(year=today.year - 1)
    assert ActionItem.objects.filter(status="done", followed_up_at__isnull=False).exists()
    assert Participant.objects.filter(role="cadet", completed=True).count() == 80
    assert AwarenessEvent.objects.count() >= 3
