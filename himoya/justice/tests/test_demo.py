import pytest

from himoya.access.justice import proceedings_visible_to
from himoya.cases import demo as cases_demo
from himoya.justice import demo, queries
from himoya.justice.models import Proceeding
from himoya.organisations import demo as organisations_demo
from himoya.organisations.models import User


@pytest.mark.django_db
def test_demo_proceedings_follow_the_rules_and_reach_the_lawyer():
    ctx = {"cases": 150, "seed": 7}
    organisations_demo.populate(ctx)
    cases_demo.populate(ctx)
    demo.populate(ctx)
    assert Proceeding.objects.count() == 5
    stages = set(Proceeding.objects.values_list("stage", flat=True))
    assert len(stages) >= 2
    for p in Proceeding.objects.all():
        dates = [c.on for c in p.stage_changes.all()]
        assert dates == sorted(dates)
    assert queries.persons_by_status()
    lawyer = User.objects.get(username="lawyer")
    assert proceedings_visible_to(lawyer).exists()
    demo.populate(ctx)  # a second run adds nothing
    assert Proceeding.objects.count() == 5
