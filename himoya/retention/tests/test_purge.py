"""Retention: periods per kind of record, legal holds, and the purge report."""

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from himoya.access.roles import Role
from himoya.audit.actions import verify_chain
from himoya.audit.checkpoints import write_checkpoint
from himoya.audit.models import AuditEvent
from himoya.audit.tests.conftest import tamper  # noqa: F401
from himoya.cases.actions import do_register_case
from himoya.cases.models import Case, Person, PersonNameToken
from himoya.hotline.models import HotlineContact
from himoya.interop.models import SourceFields
from himoya.referrals.models import Consent
from himoya.retention.actions import (
    RetentionError,
    do_lift_legal_hold,
    do_place_legal_hold,
    purge,
)
from himoya.screening import rule
from himoya.screening.models import Screening
from himoya.screening.tests.conftest import make_screening, national  # noqa: F401

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW.date() - datetime.timedelta(days=6 * 365)
RECENTLY = NOW.date() - datetime.timedelta(days=30)


@pytest.fixture
def caseworker(org, make_user):
    return make_user(org, Role.CASEWORKER)


@pytest.fixture
def closed_case(org, caseworker):
    """Register a case with a name, close it on the given date."""

    def make(closed_on, name="Мадина"):
        case = do_register_case(
            org,
            acting_user=caseworker,
            person={"given_name": name, "family_name": "Раҳимова", "phone": "+992900000001"},
            case={},
        )
        Case.objects.filter(pk=case.pk).update(case_status="Closed", closed_on=closed_on)
        return Case.objects.get(pk=case.pk)

    return make


def contact(org, user, when, **identity):
    return HotlineContact.objects.create(
        organisation=org,
        operator=user,
        received_at=when,
        channel="phone",
        caller_type="victim",
        language="tg",
        topic="labour",
        region="TJ-DU",
        **identity,
    )


def test_closed_case_past_its_period_keeps_its_facts_and_loses_its_identity(
    closed_case, caseworker
):
    old = closed_case(LONG_AGO)
    recent = closed_case(RECENTLY, name="Фарзона")
    consent = Consent.objects.create(
        case=old,
        organisation=old.organisation,
        purpose="referral",
        status="given",
        decided_on=LONG_AGO,
        method="verbal",
        witness_name="Шоҳид Шоҳидов",
        recorded_by=caseworker,
    )
    consent.form_file.save("form.pdf", ContentFile(b"%PDF signed"))
    form_path = consent.form_file.path
    SourceFields.objects.create(
        case=old, format="htcds", cells={"Datasource": "Hotline"}, sealed={"Street": "Рӯдакӣ 5"}
    )
    facts = Case.objects.filter(pk=old.pk).values("sex", "age_group", "citizenship", "closed_on")[0]

    report = purge(NOW)

    assert (report.persons_anonymised, report.closed_cases_anonymised) == (1, 1)
    person = Person.objects.get(pk=old.person_id)
    assert (person.given_name, person.family_name, person.phone) == ("", "", "")
    assert not PersonNameToken.objects.filter(person=person).exists()
    consent.refresh_from_db()
    assert consent.witness_name == "" and not consent.form_file
    assert not os.path.exists(form_path)
    kept = SourceFields.objects.get(case=old)
    assert kept.sealed is None and kept.cells == {"Datasource": "Hotline"}
    # The statistical facts stay: the case still counts.
    assert Case.objects.filter(pk=old.pk).values(*facts)[0] == facts
    # A case closed recently keeps everything.
    assert Person.objects.get(pk=recent.person_id).given_name == "Фарзона"
    # Done once: the next run finds nothing left.
    assert purge(NOW).closed_cases_anonymised == 0


def test_person_with_an_open_case_keeps_their_name(closed_case, org, caseworker):
    old = closed_case(LONG_AGO)
    do_register_case(org, acting_user=caseworker, person=old.person, case={})
    assert purge(NOW).persons_anonymised == 0
    assert Person.objects.get(pk=old.person_id).given_name == "Мадина"


def test_legal_hold_suspends_retention_until_lifted(closed_case, caseworker):
    old = closed_case(LONG_AGO)
    linked = contact(
        old.organisation,
        caseworker,
        NOW - datetime.timedelta(days=800),
        caller_name="Занг Зананда",
        case=old,
    )
    hold = do_place_legal_hold(old, "Court of Dushanbe asked for it", acting_user=caseworker)
    with pytest.raises(RetentionError):
        do_place_legal_hold(old, "again", acting_user=caseworker)

    report = purge(NOW)
    assert report.closed_cases_anonymised == 0 and report.cases_held == 1
    assert report.hotline_contacts_anonymised == 0 and report.audit_events_removed == 0
    assert Person.objects.get(pk=old.person_id).given_name == "Мадина"
    assert HotlineContact.objects.get(pk=linked.pk).caller_name == "Занг Зананда"

    do_lift_legal_hold(hold, acting_user=caseworker)
    assert purge(NOW).closed_cases_anonymised == 1
    assert Person.objects.get(pk=old.person_id).given_name == ""
    assert HotlineContact.objects.get(pk=linked.pk).caller_name == ""
    assert AuditEvent.objects.filter(object_type="retention.legalhold").count() == 2


def test_hotline_contacts_are_anonymised_after_their_period(org, caseworker, settings):
    settings.HIMOYA_RETAIN_HOTLINE_DAYS = 365
    old = contact(org, caseworker, NOW - datetime.timedelta(days=400), caller_name="Ном", notes="x")
    new = contact(org, caseworker, NOW - datetime.timedelta(days=10), caller_name="Нав")
    assert purge(NOW).hotline_contacts_anonymised == 1
    old.refresh_from_db()
    assert (old.caller_name, old.notes, old.topic, old.region) == ("", "", "labour", "TJ-DU")
    assert HotlineContact.objects.get(pk=new.pk).caller_name == "Нав"


def test_screenings_that_were_not_victims_are_deleted_after_their_period(
    org,
    caseworker,
    make_screening,  # noqa: F811
):
    old_no = make_screening(org, caseworker)
    old_yes = make_screening(org, caseworker)
    new_no = make_screening(org, caseworker)
    long_ago = NOW - datetime.timedelta(days=400)
    Screening.objects.filter(pk=old_no.pk).update(screened_at=long_ago, decision=rule.NOT_VICTIM)
    Screening.objects.filter(pk=old_yes.pk).update(
        screened_at=long_ago, decision=rule.PRESUMED_VICTIM
    )
    Screening.objects.filter(pk=new_no.pk).update(decision=rule.NOT_VICTIM)
    assert purge(NOW).screenings_deleted == 1
    assert set(Screening.objects.values_list("pk", flat=True)) == {old_yes.pk, new_no.pk}


def test_period_zero_keeps_records_forever(closed_case, settings):
    settings.HIMOYA_RETAIN_CLOSED_CASES_DAYS = 0
    old = closed_case(LONG_AGO)
    assert purge(NOW).closed_cases_anonymised == 0
    assert Person.objects.get(pk=old.person_id).given_name == "Мадина"


def test_purge_report_with_counts_is_in_the_audit_log(closed_case, capsys):
    closed_case(LONG_AGO)
    call_command("purge", "--dry-run")
    assert "would do: persons anonymised: 1" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(object_type="retention.purge").exists()
    call_command("purge")
    event = AuditEvent.objects.get(object_type="retention.purge")
    assert "persons anonymised: 1; closed cases anonymised: 1" in event.detail
    assert "Мадина" not in event.detail


def test_old_audit_events_leave_the_chain_and_it_still_verifies(
    org,
    caseworker,
    settings,
    tamper,  # noqa: F811
):
    from himoya.audit.actions import Action, record

    old = [record(Action.LOGIN, actor=caseworker) for _ in range(3)]
    assert len(old) == 3
    write_checkpoint()
    settings.HIMOYA_RETAIN_AUDIT_DAYS = 1
    later = NOW + datetime.timedelta(days=2)
    last_old = AuditEvent.objects.order_by("-id").first()
    report = purge(later)
    assert report.audit_events_removed >= 3
    assert not AuditEvent.objects.filter(pk__lte=last_old.pk).exists()
    checked = verify_chain()
    assert checked.ok, checked.reason
    # Moving the start by hand (without the key to vouch for it) is detected.
    from himoya.audit.models import AuditHead

    first = AuditEvent.objects.order_by("id").first()
    head = AuditHead.objects.get(pk=1)
    AuditHead.objects.filter(pk=1).update(
        base_id=first.pk, base_hash=first.hash, base_count=head.base_count + 1
    )
    tamper("DELETE FROM {table} WHERE id = %s", [first.pk])
    moved = verify_chain()
    assert not moved.ok and "without a purge event vouching" in moved.reason


def test_legal_hold_command(closed_case, caseworker, capsys):
    case = closed_case(LONG_AGO)
    call_command(
        "legal-hold", "place", case.reference, "--by", caseworker.username, "--reason", "court"
    )
    call_command("legal-hold", "list")
    assert case.reference in capsys.readouterr().out
    call_command("legal-hold", "lift", case.reference, "--by", caseworker.username)
    with pytest.raises(CommandError, match="no legal hold"):
        call_command("legal-hold", "lift", case.reference, "--by", caseworker.username)
