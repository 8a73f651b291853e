import datetime

import pytest
from django.core.exceptions import ValidationError

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases import actions, codes
from himoya.cases.models import CaseCode, StatusDecision
from himoya.cases.tests.factories import register_case
from himoya.vocab import registry

DAY = datetime.date(2026, 4, 2)


@pytest.fixture
def caseworker(org, make_user):
    return make_user(org, Role.CASEWORKER)


@pytest.fixture
def supervisor(org, make_user):
    return make_user(org, Role.SUPERVISOR)


@pytest.mark.django_db
class TestRegister:
    def test_register_copies_analytics_and_numbers_per_organisation(self, org, caseworker):
        first = register_case(org, caseworker)
        second = register_case(org, caseworker)
        assert first.reference == "NGO-2026-00001"
        assert second.reference == "NGO-2026-00002"
        assert (first.sex, first.citizenship, first.region_of_origin) == ("male", "TJ", "TJ-KT")
        assert first.age_group == codes.age_group_for(27) != ""
        assert first.trafficking_status == "PossibleVictimOfTrafficking"
        assert first.case_status == "Active"
        assert first.caseworker == caseworker
        assert first.events.get().kind == "registered"

    def test_register_is_audited_with_field_names_only(self, org, caseworker):
        case = register_case(org, caseworker)
        event = AuditEvent.objects.get(action="create", object_id=str(case.pk))
        assert "person.given_name" in event.fields
        assert "Ҷамшед" not in str(event.fields) + event.detail

    def test_multi_valued_codes_are_rows(self, org, caseworker):
        case = register_case(
            org,
            caseworker,
            multi={"labour_sectors": ["F_Construction"], "means_of_control": ["DebtBondage"]},
        )
        assert set(CaseCode.objects.filter(case=case).values_list("field", "code")) == {
            ("exploitation_types", "ForcedLabour"),
            ("labour_sectors", "F_Construction"),
            ("means_of_control", "DebtBondage"),
        }

    def test_unknown_code_changes_nothing(self, org, caseworker):
        with pytest.raises(ValidationError):
            register_case(org, caseworker, multi={"exploitation_types": ["Nonsense"]})
        assert not org.cases.exists()
        assert not org.persons.exists()

    def test_cross_border_is_derived_and_overridable(self, org, caseworker):
        abroad = register_case(org, caseworker, situation={"exploitation_country": "RU"})
        home = register_case(org, caseworker, situation={"exploitation_country": "TJ"})
        assert abroad.situation.cross_border_derived is True and abroad.is_cross_border
        assert home.situation.cross_border_derived is False and home.is_cross_border is False
        overridden = register_case(
            org,
            caseworker,
            situation={
                "exploitation_country": "TJ",
                "cross_border_override": True,
                "cross_border_override_reason": "moved through Afghanistan",
            },
        )
        assert overridden.situation.cross_border_derived is False
        assert overridden.is_cross_border is True

    def test_override_needs_a_reason(self, org, caseworker):
        with pytest.raises(ValidationError):
            register_case(org, caseworker, situation={"cross_border_override": False})


@pytest.mark.django_db
class TestStatusWithApproval:
    def test_caseworker_identification_waits_for_supervisor(self, org, caseworker, supervisor):
        case = register_case(org, caseworker)
        decision = actions.do_identify_victim(
            case, decided_by="NGO", decided_on=DAY, basis="indicators", acting_user=caseworker
        )
        case.refresh_from_db()
        assert decision.state == StatusDecision.State.PENDING
        assert case.trafficking_status == "PossibleVictimOfTrafficking"
        actions.do_approve_status_decision(decision, acting_user=supervisor)
        case.refresh_from_db()
        assert case.trafficking_status == "ActualVictimOfTrafficking"
        assert (case.status_decided_by, case.status_decided_on) == ("NGO", DAY)
        assert case.identified_on == DAY
        assert AuditEvent.objects.filter(action="status_change", actor=supervisor).count() == 1
        assert list(case.events.values_list("kind", flat=True)) == [
            "registered",
            "decision_requested",
            "identified",
        ]

    def test_rejected_decision_leaves_status(self, org, caseworker, supervisor):
        case = register_case(org, caseworker)
        decision = actions.do_decide_not_victim(case, decided_by="NGO", acting_user=caseworker)
        actions.do_reject_status_decision(decision, acting_user=supervisor, note="more facts")
        case.refresh_from_db()
        assert case.trafficking_status == "PossibleVictimOfTrafficking"
        decision.refresh_from_db()
        assert decision.state == StatusDecision.State.REJECTED
        with pytest.raises(actions.CaseActionError):
            actions.do_approve_status_decision(decision, acting_user=supervisor)

    def test_second_request_while_one_is_pending_is_refused(self, org, caseworker):
        case = register_case(org, caseworker)
        actions.do_identify_victim(case, decided_by="NGO", acting_user=caseworker)
        with pytest.raises(actions.CaseActionError):
            actions.do_close_case(case, reason="LostContact", acting_user=caseworker)

    def test_supervisor_decision_applies_at_once(self, org, supervisor):
        case = register_case(org, supervisor)
        actions.do_close_case(case, reason="GoalsAchieved", closed_on=DAY, acting_user=supervisor)
        case.refresh_from_db()
        assert (case.case_status, case.closed_on, case.closure_reason) == (
            "Closed",
            DAY,
            "GoalsAchieved",
        )

    def test_registration_as_identified_needs_approval_for_caseworker(self, org, caseworker):
        case = register_case(
            org, caseworker, status={"trafficking_status": "ActualVictimOfTrafficking",
                                     "decided_by": "Police"}
        )  # fmt: skip
        case.refresh_from_db()
        assert case.trafficking_status == "PossibleVictimOfTrafficking"
        assert case.status_decisions.get().state == "pending"


@pytest.mark.django_db
class TestStatusWithoutApproval:
    @pytest.fixture
    def org(self, make_org):
        return make_org("ngo-free", requires_status_approval=False)

    def test_caseworker_decision_applies_at_once(self, org, caseworker):
        case = register_case(org, caseworker)
        actions.do_identify_victim(case, decided_by="Police", acting_user=caseworker)
        case.refresh_from_db()
        assert case.trafficking_status == "ActualVictimOfTrafficking"

    def test_closed_case_refuses_decisions_until_reopened(self, org, caseworker):
        case = register_case(org, caseworker)
        actions.do_close_case(case, reason="LostContact", acting_user=caseworker)
        with pytest.raises(actions.CaseActionError):
            actions.do_identify_victim(case, decided_by="NGO", acting_user=caseworker)
        actions.do_reopen_case(case, acting_user=caseworker)
        case.refresh_from_db()
        assert case.case_status == "Active" and case.closure_reason == ""
        with pytest.raises(actions.CaseActionError):
            actions.do_reopen_case(case, acting_user=caseworker)

    def test_identified_victim_cannot_be_declared_not_a_victim(self, org, caseworker):
        case = register_case(org, caseworker)
        actions.do_identify_victim(case, decided_by="NGO", acting_user=caseworker)
        with pytest.raises(actions.CaseActionError):
            actions.do_decide_not_victim(case, decided_by="NGO", acting_user=caseworker)

    def test_close_needs_a_known_reason(self, org, caseworker):
        case = register_case(org, caseworker)
        with pytest.raises(ValidationError):
            actions.do_close_case(case, reason="Bored", acting_user=caseworker)


@pytest.mark.django_db
def test_add_event_appears_on_timeline(org, caseworker):
    case = register_case(org, caseworker)
    actions.add_event(case, "service", DAY, "Health", summary_list="spl_Type")
    event = case.events.get(kind="service")
    assert event.summary() == registry.label("spl_Type", "Health")
    assert event.label() == "service"  # no list names this kind yet


@pytest.mark.django_db
def test_exploitation_codes_follow_case_codes(org, caseworker):
    from himoya.cases.models import Case, sync_copied_codes

    case = register_case(org, caseworker)
    actions.set_case_codes(case, "exploitation_types", ["Servitude", "ForcedLabour"])
    actions.set_case_codes(case, "labour_sectors", ["F_Construction"])
    assert Case.objects.get(pk=case.pk).exploitation_codes == "|ForcedLabour|Servitude|"
    assert Case.objects.get(pk=case.pk).labour_sector_codes == "|F_Construction|"
    # An importer that writes CaseCode rows in bulk re-syncs the copy afterwards.
    CaseCode.objects.filter(case=case, code="Servitude").delete()
    sync_copied_codes([case.pk])
    assert Case.objects.get(pk=case.pk).exploitation_codes == "|ForcedLabour|"
    CaseCode.objects.filter(case=case).delete()
    sync_copied_codes()
    assert Case.objects.get(pk=case.pk).exploitation_codes == ""
    assert Case.objects.get(pk=case.pk).labour_sector_codes == ""


@pytest.mark.django_db
def test_sync_case_codes_command_heals_rows_written_without_the_copy(org, caseworker):
    from django.core.management import call_command

    from himoya.cases.models import Case

    case = register_case(org, caseworker, multi={"exploitation_types": ["Servitude"]})
    Case.objects.filter(pk=case.pk).update(exploitation_codes="")
    call_command("sync-case-codes")
    assert Case.objects.get(pk=case.pk).exploitation_codes == "|Servitude|"


@pytest.mark.django_db
def test_a_second_case_of_a_person_marks_both_cases(org, caseworker):
    from himoya.cases.models import Case

    first = register_case(org, caseworker)
    other = register_case(org, caseworker)
    assert not Case.objects.filter(shares_person=True).exists()

    second = register_case(org, caseworker, person=first.person)

    marked = set(Case.objects.filter(shares_person=True).values_list("pk", flat=True))
    assert marked == {first.pk, second.pk}
    assert other.pk not in marked
