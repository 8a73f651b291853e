import pytest
from django.core.exceptions import ValidationError

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.screening import actions, rule
from himoya.screening.models import ChecklistVersion, Screening
from himoya.screening.tests.conftest import ADULT_LABOUR_YES

pytestmark = pytest.mark.django_db


def test_screening_records_and_freezes_the_checklist_version(org, responder, national):
    version = national.current_version()
    assert not version.is_frozen
    screening = actions.do_start_screening(
        org,
        checklist=national,
        age_group="adult",
        suspected_form="labour",
        region="TJ-SU",
        place="Khujand bus station",
        acting_user=responder,
    )
    version.refresh_from_db()
    assert screening.checklist_version == version
    assert version.is_frozen
    assert screening.screened_by == responder and screening.organisation == org
    assert screening.status == Screening.Status.INCOMPLETE
    assert AuditEvent.objects.filter(action="create", object_type="screening.screening").exists()


def test_partly_answered_screening_is_incomplete_and_names_missing(org, responder, make_screening):
    screening = make_screening(org, responder)  # everything "no"
    assert screening.status == Screening.Status.COMPLETE
    coercion = [i.code for i in screening.indicators() if i.dimension == "coercion"]
    answers = {c: "" for c in coercion}  # blank removes the answers
    answers.update({c: "yes" for c in ADULT_LABOUR_YES if not c.startswith("coe_")})
    actions.do_save_answers(screening, answers, acting_user=responder)
    screening.refresh_from_db()
    assert screening.status == Screening.Status.INCOMPLETE
    assert screening.suggested == rule.INSUFFICIENT
    assert screening.result["missing"] == coercion


def test_unknown_answer_value_is_refused_and_changes_nothing(org, responder, make_screening):
    screening = make_screening(org, responder)
    with pytest.raises(ValidationError):
        actions.do_save_answers(screening, {"exp_unpaid": "maybe"}, acting_user=responder)
    assert screening.answers.get(indicator__code="exp_unpaid").value == "no"


def test_override_without_reason_is_refused(org, responder, make_screening):
    screening = make_screening(org, responder, yes=ADULT_LABOUR_YES)
    assert screening.suggested == rule.PRESUMED_VICTIM
    with pytest.raises(ValidationError):
        actions.do_decide(screening, decision=rule.AT_RISK, reason=" ", acting_user=responder)
    screening.refresh_from_db()
    assert screening.decision == ""


def test_override_with_reason_is_kept_with_the_suggestion(org, responder, make_screening):
    screening = make_screening(org, responder, yes=ADULT_LABOUR_YES)
    actions.do_decide(
        screening,
        decision=rule.AT_RISK,
        reason="Left the employer a year ago; now works legally.",
        acting_user=responder,
    )
    screening.refresh_from_db()
    assert (screening.suggested, screening.decision) == (rule.PRESUMED_VICTIM, rule.AT_RISK)
    assert screening.overridden
    assert screening.decided_by == responder


def test_editing_a_used_version_makes_a_new_one(org, make_user, national, make_screening):
    supervisor = make_user(org, Role.SUPERVISOR)
    own = actions.do_copy_checklist(national, org, slug="ours", acting_user=supervisor)
    v1 = own.current_version()
    first = v1.indicators.get(code="exp_unpaid")
    # Not used yet: changed in place.
    actions.do_save_indicator(
        v1, data={"strength": "medium"}, indicator=first, acting_user=supervisor
    )
    assert own.versions.count() == 1
    assert v1.indicators.get(code="exp_unpaid").strength == "medium"
    screening = actions.do_start_screening(
        org,
        checklist=own,
        age_group="adult",
        suspected_form="labour",
        region="TJ-DU",
        acting_user=supervisor,
    )
    v1.refresh_from_db()
    edited = actions.do_save_indicator(
        v1,
        data={"text_en": "Are you paid less than the legal minimum?"},
        indicator=v1.indicators.get(code="exp_unpaid"),
        acting_user=supervisor,
    )
    v2 = own.current_version()
    assert v2.number == 2 and edited.version == v2
    assert (
        v1.indicators.get(code="exp_unpaid").text_en
        == "Are you paid nothing, or much less than agreed?"
    )
    assert v2.indicators.count() == v1.indicators.count()
    assert screening.checklist_version_id == v1.pk
    # Further edits before v2 is used stay in v2.
    actions.do_remove_indicator(v2.indicators.get(code="exp_fines"), acting_user=supervisor)
    assert own.versions.count() == 2
    assert not v2.indicators.filter(code="exp_fines").exists()
    assert v1.indicators.filter(code="exp_fines").exists()
    assert ChecklistVersion.objects.filter(checklist=national).count() == 1


def test_open_case_carries_answers_into_htcds_fields(org, make_user, make_screening):
    from himoya.cases.models import CaseCode

    caseworker = make_user(org, Role.CASEWORKER)
    screening = make_screening(org, caseworker, yes=ADULT_LABOUR_YES)
    case = actions.do_open_case(screening, person={"given_name": "Фарход"}, acting_user=caseworker)
    screening.refresh_from_db()
    assert screening.case == case and screening.decision == rule.PRESUMED_VICTIM
    codes = {(c.field, c.code) for c in CaseCode.objects.filter(case=case)}
    assert codes == {
        ("exploitation_types", "ForcedLabour"),
        ("means_of_control", "FalsePromises"),
        ("means_of_control", "TakesEarnings"),
        ("means_of_control", "ExcessiveWorkingHours"),
        ("means_of_control", "WithholdsDocuments"),
        ("means_of_control", "DebtBondage"),
    }
    assert case.organisation == org
    with pytest.raises(ValidationError):
        actions.do_open_case(screening, person={}, acting_user=caseworker)


def test_case_is_not_opened_for_a_person_decided_at_risk(org, make_user, make_screening):
    caseworker = make_user(org, Role.CASEWORKER)
    screening = make_screening(org, caseworker, yes=ADULT_LABOUR_YES)
    actions.do_decide(screening, decision=rule.AT_RISK, reason="Not now", acting_user=caseworker)
    with pytest.raises(ValidationError):
        actions.do_open_case(screening, person={}, acting_user=caseworker)
    assert screening.case_id is None
