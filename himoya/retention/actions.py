"""Retention: what is kept how long, legal holds, and the purge that lets data go.

Each kind of record has a period (settings, from the environment; 0 keeps it forever):

| kind | setting (default) | after the period |
|---|---|---|
| closed cases | HIMOYA_RETAIN_CLOSED_CASES_DAYS (1826, five years after closure) | anonymised |
| hotline contacts | HIMOYA_RETAIN_HOTLINE_DAYS (365) | anonymised |
| screenings that were not victims | HIMOYA_RETAIN_NOT_VICTIM_SCREENINGS_DAYS (365) | deleted |
| uploads and exports | HIMOYA_FILE_RETENTION_HOURS (24 hours) | deleted |
| audit events | HIMOYA_RETAIN_AUDIT_DAYS (3650) | removed from the chain's start |

Anonymised means the statistical facts stay (sex, age group, citizenship, region, forms
of exploitation, dates, status, services, outcomes: every figure still counts the case)
and everything that names or locates the person goes: the identity fields, the name
search tokens, the district, free-text places and reasons, consent witnesses, guardians
and signed forms, risk and service notes, the callers of linked hotline contacts. A person is
anonymised only when every case of theirs is due, so nobody still assisted loses a name.

A legal hold on a case keeps the case, its person and its hotline contacts whole; while
any hold is in force, audit events are not removed either (a court may ask who saw what).
"""

import datetime
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from himoya.audit.actions import Action, record
from himoya.retention.models import AnonymisedCase, LegalHold


class RetentionError(Exception):
    """A hold cannot be placed or lifted as asked."""


def periods() -> dict[str, float]:
    """Return each kind's retention period in days (0: kept forever)."""
    return {
        "closed_cases": settings.HIMOYA_RETAIN_CLOSED_CASES_DAYS,
        "hotline_contacts": settings.HIMOYA_RETAIN_HOTLINE_DAYS,
        "not_victim_screenings": settings.HIMOYA_RETAIN_NOT_VICTIM_SCREENINGS_DAYS,
        "uploads": settings.HIMOYA_FILE_RETENTION_HOURS / 24,
        "audit": settings.HIMOYA_RETAIN_AUDIT_DAYS,
    }


# --- legal holds -------------------------------------------------------------------------


@transaction.atomic
def do_place_legal_hold(case, reason: str, *, acting_user) -> LegalHold:
    """Suspend retention for a case until the hold is lifted."""
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError("A legal hold needs its reason.")
    if LegalHold.objects.active().filter(case=case).exists():
        raise RetentionError("The case is under a legal hold already.")
    hold = LegalHold.objects.create(
        case=case, reason=reason[:300], placed_by=acting_user, placed_at=timezone.now()
    )
    record(
        Action.CREATE,
        actor=acting_user,
        obj=hold,
        organisation=case.organisation_id,
        fields=["reason"],
    )
    return hold


@transaction.atomic
def do_lift_legal_hold(hold: LegalHold, *, acting_user) -> LegalHold:
    """End a legal hold: the case's retention period applies again."""
    if hold.lifted_at is not None:
        raise RetentionError("The hold was lifted already.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = acting_user
    hold.save(update_fields=["lifted_at", "lifted_by"])
    record(
        Action.UPDATE,
        actor=acting_user,
        obj=hold,
        organisation=hold.case.organisation_id,
        fields=["lifted_at"],
    )
    return hold


# --- the purge ----------------------------------------------------------------------------


@dataclass
class PurgeReport:
    persons_anonymised: int = 0
    closed_cases_anonymised: int = 0
    cases_held: int = 0
    hotline_contacts_anonymised: int = 0
    screenings_deleted: int = 0
    files_deleted: int = 0
    audit_events_removed: int = 0

    def summary(self) -> str:
        return "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in asdict(self).items())


def _cutoff(now, days: float):
    return now - datetime.timedelta(days=days) if days and days > 0 else None


def due_persons(cutoff_date):
    """Persons whose every case is closed before `cutoff_date`, none held, some not yet done."""
    from himoya.cases.models import Case, Person

    not_due = Case.objects.filter(person=OuterRef("pk")).filter(
        ~Q(case_status="Closed")
        | Q(closed_on__isnull=True)
        | Q(closed_on__gte=cutoff_date)
        | Q(legal_holds__lifted_at__isnull=True, legal_holds__isnull=False)
    )
    pending = Case.objects.filter(person=OuterRef("pk")).exclude(
        pk__in=AnonymisedCase.objects.values("case_id")
    )
    return Person.objects.filter(Exists(pending), ~Exists(not_due), cases__isnull=False).distinct()


def held_due_cases(cutoff_date) -> int:
    """Closed cases past their period that a legal hold keeps whole."""
    from himoya.cases.models import Case

    return (
        Case.objects.filter(case_status="Closed", closed_on__lt=cutoff_date)
        .filter(legal_holds__lifted_at__isnull=True, legal_holds__isnull=False)
        .exclude(pk__in=AnonymisedCase.objects.values("case_id"))
        .distinct()
        .count()
    )


def anonymise_person(person, now) -> int:
    """Drop a person's identity and the identifying details of all their cases."""
    from himoya.assistance.models import RiskAssessment, ServiceDelivery
    from himoya.cases.models import Person, PersonNameToken, StatusDecision, TraffickingSituation
    from himoya.hotline.models import HotlineContact
    from himoya.interop.models import SourceFields
    from himoya.referrals.models import Consent

    blank: dict = {f: "" for f in Person.IDENTITY_FIELDS}
    blank["date_of_birth"] = None
    for name, value in blank.items():
        setattr(person, name, value)
    person.district_of_origin = ""
    person.save(update_fields=[*blank, "district_of_origin"])
    PersonNameToken.objects.filter(person=person).delete()
    cases = list(person.cases.exclude(pk__in=AnonymisedCase.objects.values("case_id")))
    for case in cases:
        case.status_basis = ""
        case.save(update_fields=["status_basis"])
        TraffickingSituation.objects.filter(case=case).update(
            recruitment_place="",
            exploitation_place="",
            exploitation_district="",
            cross_border_override_reason="",
        )
        StatusDecision.objects.filter(case=case).update(basis="", review_note="")
        ServiceDelivery.objects.filter(case=case).update(notes="")
        for consent in Consent.objects.filter(case=case):
            if consent.form_file:
                consent.form_file.delete(save=False)
            consent.form_file = ""
            consent.witness_name = ""
            consent.guardian_name = ""
            consent.save(update_fields=["form_file", "witness_name", "guardian_name"])
        for risk in RiskAssessment.objects.filter(case=case):
            risk.risks = ""
            risk.safety_plan = ""
            risk.save(update_fields=["risks", "safety_plan"])
        for contact in HotlineContact.objects.filter(case=case):
            _anonymise_contact(contact)
        # An imported record's identifying source texts (address parts, free texts).
        SourceFields.objects.filter(case=case).update(sealed=None)
        AnonymisedCase.objects.create(case=case, at=now)
    return len(cases)


def _anonymise_contact(contact) -> None:
    contact.caller_name = ""
    contact.caller_phone = ""
    contact.notes = ""
    contact.save(update_fields=["caller_name", "caller_phone", "notes"])


def purge(now=None, *, dry_run: bool = False, acting_user=None) -> PurgeReport:
    """Apply every retention period; write the report with its counts to the audit log."""
    from himoya.cases.models import Case
    from himoya.core.jobs import sweep_files
    from himoya.hotline.models import HotlineContact
    from himoya.screening import rule
    from himoya.screening.models import Screening

    now = now or timezone.now()
    report = PurgeReport()
    limits = periods()

    cases_cutoff = _cutoff(now, limits["closed_cases"])
    if cases_cutoff is not None:
        cutoff_date = timezone.localdate(cases_cutoff)
        report.cases_held = held_due_cases(cutoff_date)
        for person in due_persons(cutoff_date).iterator(chunk_size=200):
            if dry_run:
                report.persons_anonymised += 1
                report.closed_cases_anonymised += person.cases.exclude(
                    pk__in=AnonymisedCase.objects.values("case_id")
                ).count()
                continue
            with transaction.atomic():
                report.closed_cases_anonymised += anonymise_person(person, now)
                report.persons_anonymised += 1

    hotline_cutoff = _cutoff(now, limits["hotline_contacts"])
    if hotline_cutoff is not None:
        held_cases = Case.objects.filter(
            legal_holds__lifted_at__isnull=True, legal_holds__isnull=False
        )
        contacts = (
            HotlineContact.objects.filter(received_at__lt=hotline_cutoff)
            .exclude(case__in=held_cases)
            # Encrypted columns allow no look-ups; an empty value is stored as ''.
            .filter(
                RawSQL(
                    "(hotline_hotlinecontact.caller_name <> '' OR "
                    "hotline_hotlinecontact.caller_phone <> '' OR "
                    "hotline_hotlinecontact.notes <> '')",
                    [],
                    output_field=BooleanField(),
                )
            )
        )
        if dry_run:
            report.hotline_contacts_anonymised = contacts.count()
        else:
            for contact in contacts.iterator(chunk_size=500):
                _anonymise_contact(contact)
                report.hotline_contacts_anonymised += 1

    screening_cutoff = _cutoff(now, limits["not_victim_screenings"])
    if screening_cutoff is not None:
        screenings = Screening.objects.filter(
            screened_at__lt=screening_cutoff, decision=rule.NOT_VICTIM, case__isnull=True
        )
        report.screenings_deleted = screenings.count()
        if not dry_run:
            screenings.delete()

    if not dry_run:
        report.files_deleted = sweep_files(now)

    audit_cutoff = _cutoff(now, limits["audit"])
    if audit_cutoff is not None and not LegalHold.objects.active().exists():
        from himoya.audit.actions import purge_events_before

        report.audit_events_removed = purge_events_before(audit_cutoff, dry_run=dry_run)

    if not dry_run:
        record(
            Action.DELETE,
            actor=acting_user,
            object_type="retention.purge",
            detail=report.summary(),
        )
    return report
