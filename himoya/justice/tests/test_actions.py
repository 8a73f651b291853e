import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from himoya.audit.models import AuditEvent
from himoya.justice import actions
from himoya.justice.models import Defendant, Proceeding, StageChange
from himoya.justice.tests.conftest import D, add_suspect, open_criminal, share_case

pytestmark = pytest.mark.django_db


class TestOpening:
    def test_criminal_proceeding_starts_at_investigation_with_articles(self, agency, investigator):
        p = open_criminal(agency, investigator, articles=["130.1", "132"])
        assert p.stage == "investigation"
        assert p.article_codes == ["130.1", "132"]
        assert list(p.stage_changes.values_list("stage", "on")) == [
            ("investigation", D(2026, 2, 1))
        ]
        event = AuditEvent.objects.get(action="create", object_id=str(p.pk))
        assert "case_number" in event.fields and "12-345" not in event.detail

    def test_case_number_is_encrypted_and_found_by_blind_index(self, agency, investigator):
        from django.db import connection

        from himoya.justice.models import case_number_key

        p = open_criminal(agency, investigator, case_number="12-345/2026")
        with connection.cursor() as cur:
            cur.execute("select case_number from justice_proceeding where id = %s", [p.pk])
            stored = cur.fetchone()[0]
        assert stored.startswith("hx1:") and "12-345" not in stored
        found = Proceeding.objects.get(case_number_index=case_number_key(" 12-345/2026 "))
        assert found == p

    def test_article_that_does_not_exist_is_refused_and_nothing_saved(self, agency, investigator):
        with pytest.raises(ValidationError) as exc:
            open_criminal(agency, investigator, articles=["130.1", "999.9"])
        assert "999.9" in str(exc.value)
        assert not Proceeding.objects.exists()

    def test_criminal_case_needs_a_law_enforcement_agency(self, org, investigator):
        with pytest.raises(ValidationError):
            open_criminal(org, investigator)
        assert not Proceeding.objects.exists()

    def test_civil_claim_starts_at_trial_without_articles(self, legal_aid, lawyer):
        p = actions.do_open_proceeding(
            legal_aid,
            kind="civil",
            case_number="2-77/2026",
            opened_on=D(2026, 2, 1),
            acting_user=lawyer,
        )
        assert p.stage == "trial" and p.article_codes == []

    def test_opening_date_in_the_future_is_refused(self, agency, investigator):
        with pytest.raises(ValidationError):
            open_criminal(
                agency, investigator, opened_on=timezone.localdate() + datetime.timedelta(days=1)
            )


class TestStageMachine:
    def test_full_path_to_conviction_and_appeal(self, at_trial, investigator):
        p = at_trial
        d = p.defendants.get()
        assert d.status == "accused"
        actions.do_record_verdict(
            p,
            on=D(2026, 6, 1),
            outcome="convicted",
            sentences={d.pk: {"prison_months": 96}},
            compensation_ordered="15000",
            acting_user=investigator,
        )
        p.refresh_from_db()
        d.refresh_from_db()
        assert (p.stage, p.outcome, p.outcome_on) == ("verdict", "convicted", D(2026, 6, 1))
        assert (d.status, d.prison_months) == ("convicted", 96)
        actions.do_appeal(p, on=D(2026, 6, 20), acting_user=investigator)
        assert list(p.stage_changes.values_list("stage", flat=True)) == [
            "investigation",
            "prosecution",
            "trial",
            "verdict",
            "appeal",
        ]
        assert AuditEvent.objects.filter(action="status_change", object_id=str(p.pk)).count() == 4

    def test_steps_out_of_order_are_refused(self, proceeding, investigator):
        add_suspect(proceeding, investigator)
        with pytest.raises(ValidationError):
            actions.do_send_to_trial(proceeding, on=D(2026, 3, 1), acting_user=investigator)
        with pytest.raises(ValidationError):
            actions.do_record_verdict(
                proceeding, on=D(2026, 3, 1), outcome="acquitted", acting_user=investigator
            )
        proceeding.refresh_from_db()
        assert proceeding.stage == "investigation"

    def test_indictment_needs_a_suspect(self, proceeding, investigator):
        with pytest.raises(ValidationError):
            actions.do_indict(proceeding, on=D(2026, 3, 1), acting_user=investigator)

    def test_stage_date_before_the_previous_is_refused(self, proceeding, investigator):
        add_suspect(proceeding, investigator)
        with pytest.raises(ValidationError) as exc:
            actions.do_indict(proceeding, on=D(2026, 1, 15), acting_user=investigator)
        assert "2026-02-01" in str(exc.value)
        proceeding.refresh_from_db()
        assert proceeding.stage == "investigation"
        assert StageChange.objects.filter(proceeding=proceeding).count() == 1
        assert proceeding.defendants.get().status == "suspected"

    def test_verdict_before_indictment_is_refused_and_nothing_saved(self, at_trial, investigator):
        d = at_trial.defendants.get()
        with pytest.raises(ValidationError):
            actions.do_record_verdict(
                at_trial,
                on=D(2026, 2, 15),
                outcome="convicted",
                sentences={d.pk: {"prison_months": 60}},
                acting_user=investigator,
            )
        at_trial.refresh_from_db()
        d.refresh_from_db()
        assert (at_trial.stage, at_trial.outcome) == ("trial", "")
        assert (d.status, d.prison_months) == ("accused", None)

    def test_conviction_without_a_sentence_is_refused(self, at_trial, investigator):
        with pytest.raises(ValidationError) as exc:
            actions.do_record_verdict(
                at_trial, on=D(2026, 6, 1), outcome="convicted", acting_user=investigator
            )
        assert "ҷазо лозим аст" in str(exc.value)  # Tajik is the default language
        at_trial.refresh_from_db()
        assert at_trial.stage == "trial"
        assert at_trial.defendants.get().status == "accused"

    def test_one_convicted_one_acquitted(self, at_trial, investigator):
        second = add_suspect(at_trial, investigator, status="accused", sex="female")
        first = at_trial.defendants.exclude(pk=second.pk).get()
        actions.do_record_verdict(
            at_trial,
            on=D(2026, 6, 1),
            outcome="convicted",
            sentences={
                first.pk: {"prison_months": 24, "suspended": True},
                second.pk: {"status": "acquitted"},
            },
            acting_user=investigator,
        )
        assert dict(Defendant.objects.values_list("pk", "status")) == {
            first.pk: "convicted",
            second.pk: "acquitted",
        }
        first.refresh_from_db()
        assert first.sentence_types() == ["suspended"]

    def test_reclassification_needs_a_real_article(self, at_trial, investigator):
        d = at_trial.defendants.get()
        with pytest.raises(ValidationError):
            actions.do_record_verdict(
                at_trial,
                on=D(2026, 6, 1),
                outcome="reclassified",
                reclassified_to="777",
                sentences={d.pk: {"fine_somoni": 5000}},
                acting_user=investigator,
            )
        actions.do_record_verdict(
            at_trial,
            on=D(2026, 6, 1),
            outcome="reclassified",
            reclassified_to="132",
            sentences={d.pk: {"fine_somoni": 5000}},
            acting_user=investigator,
        )
        assert at_trial.reclassified_to == "132"

    def test_acquittal_needs_no_sentence(self, at_trial, investigator):
        actions.do_record_verdict(
            at_trial, on=D(2026, 6, 1), outcome="acquitted", acting_user=investigator
        )
        assert at_trial.defendants.get().status == "acquitted"

    def test_dismissed_proceeding_cannot_move_on(self, proceeding, investigator):
        add_suspect(proceeding, investigator)
        actions.do_dismiss(proceeding, on=D(2026, 2, 10), acting_user=investigator)
        with pytest.raises(ValidationError):
            actions.do_indict(proceeding, on=D(2026, 3, 1), acting_user=investigator)
        assert proceeding.outcome == "dismissed"

    def test_appeal_decision_replaces_the_outcome(self, at_trial, investigator):
        d = at_trial.defendants.get()
        actions.do_record_verdict(
            at_trial,
            on=D(2026, 6, 1),
            outcome="convicted",
            sentences={d.pk: {"prison_months": 96}},
            acting_user=investigator,
        )
        actions.do_appeal(at_trial, on=D(2026, 6, 20), acting_user=investigator)
        actions.do_decide_appeal(
            at_trial,
            on=D(2026, 8, 1),
            outcome="convicted",
            sentences={d.pk: {"prison_months": 72}},
            acting_user=investigator,
        )
        d.refresh_from_db()
        assert d.prison_months == 72 and at_trial.outcome_on == D(2026, 8, 1)


class TestRecords:
    def test_perpetrator_identity_is_encrypted_and_audited_by_name(self, proceeding, investigator):
        d = add_suspect(
            proceeding, investigator, full_name="Фаррух Саидов", identity_document="A1234567"
        )
        assert d.perpetrator.full_name == "Фаррух Саидов"
        event = AuditEvent.objects.get(object_type="justice.perpetrator")
        assert "full_name" in event.fields and "Фаррух" not in event.detail

    def test_unknown_role_or_country_is_refused(self, proceeding, investigator):
        with pytest.raises(ValidationError):
            add_suspect(proceeding, investigator, role="Wizard")
        with pytest.raises(ValidationError):
            add_suspect(proceeding, investigator, citizenship="T1")
        assert not Defendant.objects.exists()

    def test_victim_takes_part_with_protection(self, proceeding, investigator, police_case):
        part = actions.do_add_victim(
            proceeding,
            police_case,
            roles=["injured_party", "civil_claimant"],
            protection_measures=["closed_hearing"],
            joined_on=D(2026, 2, 5),
            acting_user=investigator,
        )
        assert part.measure_labels()
        with pytest.raises(ValidationError):
            actions.do_add_victim(
                proceeding,
                police_case,
                roles=["witness"],
                joined_on=D(2026, 2, 5),
                acting_user=investigator,
            )
        with pytest.raises(ValidationError):
            actions.do_set_protection(
                part,
                roles=["witness"],
                protection_measures=["invisibility"],
                acting_user=investigator,
            )

    def test_only_a_lawyer_can_represent(
        self, proceeding, investigator, police_case, legal_aid, lawyer, make_user
    ):
        part = actions.do_add_victim(
            proceeding,
            police_case,
            roles=["witness"],
            joined_on=D(2026, 2, 5),
            acting_user=investigator,
        )
        share_case(police_case, legal_aid)
        clerk = make_user(legal_aid, "caseworker")
        with pytest.raises(ValidationError):
            actions.do_assign_lawyer(
                part,
                lawyer=clerk,
                organisation=legal_aid,
                starts_on=D(2026, 2, 6),
                acting_user=investigator,
            )
        with pytest.raises(ValidationError):
            actions.do_assign_lawyer(
                part,
                lawyer=lawyer,
                organisation=legal_aid,
                starts_on=D(2026, 2, 6),
                ends_on=D(2026, 2, 1),
                acting_user=investigator,
            )
        rep = actions.do_assign_lawyer(
            part,
            lawyer=lawyer,
            organisation=legal_aid,
            starts_on=D(2026, 2, 6),
            acting_user=investigator,
        )
        assert rep.case == police_case

    def test_compensation_paid_cannot_be_negative(self, proceeding, investigator):
        with pytest.raises(ValidationError):
            actions.do_record_compensation(
                proceeding, ordered=1000, paid=-5, acting_user=investigator
            )
        actions.do_record_compensation(proceeding, ordered=1000, paid=400, acting_user=investigator)
        proceeding.refresh_from_db()
        assert proceeding.compensation_paid == 400


class TestCivilClaim:
    def test_claim_for_compensation_is_granted(self, legal_aid, lawyer):
        p = actions.do_open_proceeding(
            legal_aid,
            kind="civil",
            case_number="2-81/2026",
            opened_on=D(2026, 2, 1),
            acting_user=lawyer,
        )
        with pytest.raises(ValidationError):
            actions.do_record_verdict(p, on=D(2026, 5, 1), outcome="convicted", acting_user=lawyer)
        actions.do_record_verdict(
            p,
            on=D(2026, 5, 1),
            outcome="claim_granted",
            compensation_ordered="8000",
            acting_user=lawyer,
        )
        p.refresh_from_db()
        assert (p.stage, p.outcome, p.compensation_ordered) == ("verdict", "claim_granted", 8000)


def test_key_rotation_keeps_the_case_number_readable_and_findable(agency, investigator, settings):
    from himoya.crypto import keys, rotation
    from himoya.justice.models import case_number_key

    p = open_criminal(agency, investigator, case_number="12-345/2026")
    settings.FIELD_KEY = f"{keys.new_key_spec('k2')},{settings.FIELD_KEY}"
    reports = rotation.rotate([Proceeding])
    assert reports[0].reencrypted == 1
    p.refresh_from_db()
    assert p.case_number == "12-345/2026"
    assert Proceeding.objects.get(case_number_index=case_number_key("12-345/2026")) == p


def test_a_lawyer_of_an_organisation_not_holding_the_case_is_refused(
    proceeding, investigator, ngo_case, legal_aid, lawyer
):
    """Naming a lawyer would open the case to her organisation: without the person's
    referral to it, the police cannot do that."""
    part = actions.do_add_victim(
        proceeding, ngo_case, roles=["witness"], joined_on=D(2026, 2, 5), acting_user=investigator
    )
    with pytest.raises(ValidationError):
        actions.do_assign_lawyer(
            part,
            lawyer=lawyer,
            organisation=legal_aid,
            starts_on=D(2026, 2, 6),
            acting_user=investigator,
        )
    assert not part.case.representations.exists()
