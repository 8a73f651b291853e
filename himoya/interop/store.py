"""Turn HTCDS records into persons and cases (and back), writing them in bulk.

Salutation, title, e-mail and home phone are kept, encrypted, as `field: value` lines of
the person's notes. What the case record has no place for (the exact gender where the
case keeps only the sex, the address parts, a closure reason in words, the referral
fields, a case owner who is no member) is kept beside the case as source fields
(`SourceFields`; identifying texts encrypted) and exported again; the import result
names those columns. The consent answer becomes a consent record, as if recorded on
the page.
"""

import datetime
import re

from django.db import transaction

from himoya.cases import codes
from himoya.cases.actions import next_reference
from himoya.cases.models import (
    Case,
    CaseCode,
    CaseEvent,
    Person,
    PersonNameToken,
    TraffickingSituation,
    codes_text,
    derive_cross_border,
)
from himoya.interop import bulk
from himoya.interop.models import SourceFields
from himoya.interop.validation import code_of
from himoya.linkage.registration import check_after_commit
from himoya.referrals.models import Consent
from himoya.vocab import registry

MULTI = {
    "vic_MethodOfRecruitment": CaseCode.Field.RECRUITMENT_METHODS,
    "vic_MethodsOfControl": CaseCode.Field.MEANS_OF_CONTROL,
    "vic_TypeOfExploitation": CaseCode.Field.EXPLOITATION_TYPES,
    "vic_ForcedLabourIndustry": CaseCode.Field.LABOUR_SECTORS,
    "vic_TypeOfSexExploitation": CaseCode.Field.SEXUAL_EXPLOITATION_TYPES,
}
NOTE_FIELDS = ("prs_Salutation", "prs_Title", "prs_Email", "prs_HomePhone")
ADDRESS_FIELDS = (
    "prs_MailingStreet",
    "prs_MailingCity",
    "prs_MailingState",
    "prs_MailingPostalCode",
    "prs_MailingCountry",
)
# Referral fields of the record: kept as source fields (the texts that may name a person
# or a caseworker encrypted), exported again.
REFERRAL_CELLS = (
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReasonForIncomingReferral",
    "cas_ReferredOrganisation",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate",
)
REFERRAL_SEALED = (
    "cas_ReferringPrimaryCaseWorker",
    "cas_IncomingReferralDetails",
    "cas_ReferredPrimaryCaseWorker",
    "cas_OutgoingReferralDetails",
)
# The consent purpose HTCDS's single "Consent" checkbox stands for.
CONSENT_PURPOSE = "assistance"
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NOTE_LINE = re.compile(r"^(prs_\w+): (.*)$")


def joined_address(record: dict) -> str:
    return ", ".join(record[f] for f in ADDRESS_FIELDS if record.get(f))


def _closure_code(reason: str) -> str:
    """A closure reason given in words is "Other" in the case (the words are kept)."""
    if not reason:
        return ""
    return code_of("cases_ClosureReason", reason) or "Other"


def sex_of_gender(gender: str) -> str:
    """Return the `sex` code for an HTCDS prs_Gender code ("" when none is given)."""
    return registry.sex_from_gender(gender) if gender else ""


def gender_of_sex(sex: str) -> str:
    return registry.gender_from_sex(sex) if sex else ""


def _latin(text: str) -> bool:
    return bool(_LATIN.search(text)) and not _CYRILLIC.search(text)


def _age(born: datetime.date | None, on: datetime.date) -> int | None:
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def build(record: dict, organisation, *, acting_user, registered_on, owners: dict):
    """Return unsaved (person, case, situation, [codes]) for one HTCDS record."""
    person = Person(organisation=organisation, created_by=acting_user)
    for source, cyrillic, latin in (
        ("prs_FirstName", "given_name", "given_name_latin"),
        ("prs_SecondName", "family_name", "family_name_latin"),
    ):
        value = record.get(source) or ""
        setattr(person, latin if _latin(value) else cyrillic, value)
    person.date_of_birth = record.get("prs_Birthdate")  # type: ignore[assignment]  # nullable
    person.phone = record.get("prs_MobilePhone") or ""
    person.address = joined_address(record)
    person.notes = "\n".join(f"{f}: {record[f]}" for f in NOTE_FIELDS if record.get(f))
    person.sex = sex_of_gender(record.get("prs_Gender") or "")
    person.citizenship = record.get("prs_Citizenship") or ""
    person.age_at_identification = _age(person.date_of_birth, registered_on)
    person.age_group = codes.age_group_for(person.age_at_identification)
    status = record.get("vic_TraffickingStatus") or codes.PRESUMED
    decided = record.get("himoya_StatusDecidedOn")
    if decided is None and status != codes.PRESUMED:
        # A decided status counts in the period of its decision; the file's best evidence
        # of that date is when the case was registered (the form filled in).
        decided = registered_on
    case = Case(
        person=person,
        organisation=organisation,
        registered_by=acting_user,
        caseworker=owners.get(record.get("cas_CaseOwner") or ""),
        registered_on=registered_on,
        trafficking_status=status,
        status_decided_on=decided,
        status_decided_by=record.get("vic_TraffickingStatusDecisionMakingOrg") or "",
        case_status=record.get("cas_Status") or "Active",
        closure_reason=_closure_code(record.get("cas_ReasonForCaseClosure") or ""),
        sex=person.sex,
        age_group=person.age_group,
        citizenship=person.citizenship,
    )
    situation = TraffickingSituation(
        recruitment_place=record.get("vic_LocationOfRecruitment") or "",
        exploitation_place=record.get("vic_LocationOfExploitation") or "",
        cross_border_derived=derive_cross_border("", person.citizenship),
    )
    case_codes = [
        CaseCode(field=field, code=code)
        for name, field in MULTI.items()
        for code in record.get(name) or []
    ]
    return person, case, situation, case_codes


def source_fields(record: dict, person, case) -> tuple[dict, dict]:
    """Return the (clear, sealed) values of a record that `build` could not place."""
    cells: dict = {}
    sealed: dict = {}
    gender = record.get("prs_Gender") or ""
    if gender and gender_of_sex(person.sex) != gender:
        cells["prs_Gender"] = gender
    parts = {f: record[f] for f in ADDRESS_FIELDS if record.get(f)}
    if set(parts) - {"prs_MailingStreet"}:
        sealed["address"] = parts
    reason = record.get("cas_ReasonForCaseClosure") or ""
    if reason and code_of("cases_ClosureReason", reason) is None:
        sealed["cas_ReasonForCaseClosure"] = reason
    owner = record.get("cas_CaseOwner") or ""
    if owner and case.caseworker is None:
        cells["cas_CaseOwner"] = owner
    for name in REFERRAL_CELLS:
        if record.get(name) not in (None, ""):
            value = record[name]
            cells[name] = value.isoformat() if isinstance(value, datetime.date) else value
    for name in REFERRAL_SEALED:
        if record.get(name):
            sealed[name] = record[name]
    return cells, sealed


def kept_columns(record: dict, owners: dict) -> set[str]:
    """The record's columns that the import keeps as source fields (for its report)."""
    names = set()
    gender = record.get("prs_Gender") or ""
    if gender and gender_of_sex(sex_of_gender(gender)) != gender:
        names.add("prs_Gender")
    parts = {f for f in ADDRESS_FIELDS if record.get(f)}
    if parts - {"prs_MailingStreet"}:
        names |= parts
    reason = record.get("cas_ReasonForCaseClosure") or ""
    if reason and code_of("cases_ClosureReason", reason) is None:
        names.add("cas_ReasonForCaseClosure")
    if record.get("cas_CaseOwner") and record["cas_CaseOwner"] not in owners:
        names.add("cas_CaseOwner")
    names |= {n for n in REFERRAL_CELLS + REFERRAL_SEALED if record.get(n) not in (None, "")}
    return names


def case_owners(organisation) -> dict:
    """Map user names of the organisation's members to users (for cas_CaseOwner)."""
    return {
        m.user.username: m.user
        for m in organisation.memberships.filter(is_active=True).select_related("user")
    }


@transaction.atomic
def save(items: list[tuple[str, dict, datetime.date]], organisation, *, acting_user):
    """Write (source key, HTCDS record, registration date) items as new cases."""
    if not items:
        return 0
    owners = case_owners(organisation)
    built = [
        (
            key,
            *build(record, organisation, acting_user=acting_user, registered_on=day, owners=owners),
        )
        for key, record, day in items
    ]
    person_ids = bulk.allocate_ids(Person, len(built))
    case_ids = bulk.allocate_ids(Case, len(built))
    by_year: dict[int, list] = {}
    for _key, _p, case, _s, _c in built:
        by_year.setdefault(case.registered_on.year, []).append(case)
    for year, cases in by_year.items():
        for case, ref in zip(cases, next_reference(organisation, year, len(cases)), strict=True):
            case.reference = ref
    persons = [b[1] for b in built]
    for person, pid, (_k, _p, case, _s, _c), cid in zip(
        persons, person_ids, built, case_ids, strict=True
    ):
        person.id = pid
        case.id = cid
    bulk.copy_objects(Person, persons)
    # One background check for the whole import, once it commits.
    check_after_commit([p.pk for p in persons])
    tokens = [t for p in persons for t in p.build_name_tokens()]
    cases, situations, all_codes = [], [], []
    for key, person, case, _situation, codes_ in built:
        case.person = person
        case.source_key = key
        for field, column in Case.COPIED_CODES.items():
            setattr(case, column, codes_text([c.code for c in codes_ if c.field == field]))
        cases.append(case)
    bulk.copy_objects(Case, cases)
    for _key, _person, case, situation, case_codes in built:
        situation.case = case
        situations.append(situation)
        for c in case_codes:
            c.case = case
            all_codes.append(c)
    events = [
        CaseEvent(
            case=case,
            kind="registered",
            date=case.registered_on,
            actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            organisation=organisation,
        )
        for case in cases
    ]
    bulk.copy_objects(TraffickingSituation, situations)
    bulk.copy_objects(CaseEvent, events)
    bulk.copy_objects(CaseCode, all_codes)
    bulk.copy_objects(PersonNameToken, tokens)
    sources, consents = [], []
    for (_key, record, _day), (_k, person, case, _s, _c) in zip(items, built, strict=True):
        cells, sealed = source_fields(record, person, case)
        if cells or sealed:
            # `sealed` is an encrypted JSON field (typed as text for the type checker).
            values: dict[str, object] = {"cells": cells, "sealed": sealed or None}
            sources.append(SourceFields(case=case, format="htcds", **values))
        if record.get("con_Consent") is not None:
            consents.append(
                Consent(
                    case=case,
                    organisation=organisation,
                    purpose=CONSENT_PURPOSE,
                    status=Consent.Status.GIVEN
                    if record["con_Consent"]
                    else Consent.Status.REFUSED,
                    decided_on=case.registered_on,
                    method="",  # the file does not say how
                    recorded_by=acting_user,
                )
            )
    bulk.copy_objects(SourceFields, sources)
    bulk.copy_objects(Consent, consents)
    return len(built)


# --- back to HTCDS, for export --------------------------------------------------------


def record_of(case, *, with_identity: bool) -> dict:
    """Return the HTCDS record of a case (identity fields blank unless allowed)."""
    person = case.person
    codes_by_field = case.codes_by_field()
    situation = getattr(case, "situation", None)
    record = {
        "prs_Gender": gender_of_sex(person.sex),
        "prs_Citizenship": person.citizenship,
        "vic_TraffickingStatus": case.trafficking_status,
        "vic_TraffickingStatusDecisionMakingOrg": case.status_decided_by,
        "vic_LocationOfRecruitment": situation.recruitment_place if situation else "",
        "vic_LocationOfExploitation": situation.exploitation_place if situation else "",
        "cas_Status": case.case_status,
        "cas_ReasonForCaseClosure": case.closure_reason,
        "cas_CaseOwner": case.caseworker.username if case.caseworker_id else "",
        "himoya_RegisteredOn": case.registered_on,
        "himoya_StatusDecidedOn": case.status_decided_on,
        "himoya_CaseReference": case.reference,
    }
    for name, field in MULTI.items():
        order = registry.codes(CaseCode.LISTS[field])
        record[name] = sorted(
            codes_by_field.get(field, []), key=lambda c: order.index(c) if c in order else 999
        )
    record["con_Consent"] = _consent_answer(case)
    source = getattr(case, "source_fields", None)
    cells = source.cells if source is not None and source.format == "htcds" else {}
    sealed = (source.sealed or {}) if source is not None and source.format == "htcds" else {}
    gender = cells.get("prs_Gender")
    if gender and sex_of_gender(gender) == person.sex:
        record["prs_Gender"] = gender  # the exact gender, while the sex is still its own
    if cells.get("cas_CaseOwner") and not case.caseworker_id:
        record["cas_CaseOwner"] = cells["cas_CaseOwner"]
    for name in REFERRAL_CELLS:
        if name in cells:
            value = cells[name]
            if name.endswith("Date"):
                value = datetime.date.fromisoformat(value)
            record[name] = value
    if with_identity:
        record["prs_FirstName"] = person.given_name or person.given_name_latin
        record["prs_SecondName"] = person.family_name or person.family_name_latin
        record["prs_Birthdate"] = person.date_of_birth
        record["prs_MobilePhone"] = person.phone
        parts = sealed.get("address") or {}
        if parts and joined_address(parts) == person.address:
            record.update(parts)
        else:
            record["prs_MailingStreet"] = person.address
        for line in (person.notes or "").splitlines():
            match = _NOTE_LINE.match(line)
            if match and match.group(1) in NOTE_FIELDS:
                record[match.group(1)] = match.group(2)
        reason = sealed.get("cas_ReasonForCaseClosure")
        if reason and case.closure_reason == "Other":
            record["cas_ReasonForCaseClosure"] = reason
        for name in REFERRAL_SEALED:
            if name in sealed:
                record[name] = sealed[name]
    return record


def _consent_answer(case) -> bool | None:
    """The latest decision on the consent HTCDS asks for: yes, no, or not recorded."""
    decisions = [c for c in case.consents.all() if c.purpose == CONSENT_PURPOSE]
    if not decisions:
        return None
    latest = max(decisions, key=lambda c: (c.decided_on, c.recorded_at))
    return latest.status == Consent.Status.GIVEN
