"""Training stores a new model version; the evaluation meets its precision and recall."""

import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from himoya.audit.models import AuditEvent
from himoya.linkage import actions, synthetic
from himoya.linkage.models import LinkageModel
from himoya.linkage.tests.model_fixtures import active_model

pytestmark = pytest.mark.django_db


def test_training_stores_a_new_active_version(make_org, make_user):
    from himoya.access.roles import Role

    officer = make_user(make_org("commission", is_national=True), Role.LINKAGE_OFFICER)
    records = list(synthetic.records(synthetic.Generator(seed=5).persons(1500)))
    first = actions.do_train_model(acting_user=officer, records=records)
    second = actions.do_train_model(records=records, upper_threshold=0.9)
    assert (first.version, second.version) == (1, 2)
    assert LinkageModel.current() == second and second.upper_threshold == 0.9
    first.refresh_from_db()
    assert not first.active and first.trained_by == officer and first.record_count == 1500
    levels = first.settings["comparisons"][0]["comparison_levels"]
    assert any(level.get("m_probability") for level in levels)
    assert AuditEvent.objects.filter(object_type="linkage.model").count() == 2


def test_evaluate_prints_precision_and_recall_of_the_active_model():
    active_model()
    out = StringIO()
    call_command("linkage", "evaluate", "--persons", "3000", "--seed", "9", stdout=out)
    found = re.search(r"precision ([\d.]+), recall ([\d.]+)", out.getvalue())
    assert found, out.getvalue()
    precision, recall = float(found.group(1)), float(found.group(2))
    assert precision >= 0.98 and recall >= 0.90


def test_a_register_without_a_sure_pair_is_refused_with_a_message_not_a_traceback():
    from django.core.management.base import CommandError
    from django.utils import translation

    # Everyone different: no shared document, no shared names and birth date.
    records = list(synthetic.records(synthetic.Generator(seed=5).persons(300, duplicates=0)))
    with translation.override("en"):
        with pytest.raises(ValidationError, match="nothing to learn matches from"):
            actions.do_train_model(records=records)
        with pytest.raises(CommandError, match="Too few person records"):
            call_command("linkage", "train", stdout=StringIO())  # an empty register
    assert not LinkageModel.objects.exists()
