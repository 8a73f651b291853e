"""State changes of persons and cases: one function each, atomic and audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from himoya.access import policy, roles
from himoya.audit.actions import Action, record
from himoya.cases import codes
from himoya.cases.models import (
    Case,
    CaseCode,
    CaseEvent,
    CaseNumberSequence,
    Person,
    StatusDecision,
    TraffickingSituation,
    codes_text,
    derive_cross_border,
)

SITUATION_FIELDS = (
    "recruitment_country",
    "recruitment_place",
    "recruiter_relationship",
    "exploitation_country",
    "exploitation_region",
    "exploitation_district",
    "exploitation_place",
    "cross_border_override",
    "cross_border_override_reason",
)
CASE_FIELDS = (
    "exploitation_began",
    "exploitation_ended",
    "identified_on",
    "registered_on",
    "caseworker",
    "source_key",
)
PERSON_ANALYTIC_FIELDS = (
    "sex",
    "age_at_identification",
    "citizenship",
    "region_of_origin",
    "district_of_origin",
)
_VALIDATED = {
    "sex": codes.SEX,
    "citizenship": codes.COUNTRY,
    "region_of_origin": codes.REGION,
    "district_of_origin": codes.DISTRICT,
    "recruitment_country": codes.COUNTRY,
    "recruiter_relationship": "vic_RelationshipToTrafficker",
    "exploitation_country": codes.COUNTRY,
    "exploitation_region": codes.REGION,
    "exploitation_district": codes.DISTRICT,
}


class CaseActionError(ValidationError):
    """A state change that the case's current state does not allow."""


def _check_codes(values: dict) -> None:
    errors: dict[str, str | Promise] = {}
    for name, value in values.items():
        if name in _VALIDATED and value and not codes.is_valid(_VALIDATED[name], value):
            errors[name] = _("Not a known code: %(code)s") % {"code": value}
    if errors:
        raise ValidationError(errors)


def _check_multi(multi: dict) -> None:
    errors: dict[str, str | Promise] = {}
    for field, values in multi.items():
        list_name = CaseCode.LISTS.get(field)
        if list_name is None:
            errors[field] = _("Unknown field.")
            continue
        bad = [v for v in values if not codes.is_valid(list_name, v)]
        if bad:
            errors[field] = _("Not a known code: %(code)s") % {"code": ", ".join(bad)}
    if errors:
        raise ValidationError(errors)


def next_reference(organisation, year: int, count: int = 1) -> list[str]:
    """Reserve `count` reference numbers of an organisation in a year (SLUG3-YYYY-NNNNN)."""
    with transaction.atomic():
        seq, _created = CaseNumberSequence.objects.select_for_update().get_or_create(
            organisation=organisation, year=year
        )
        first = seq.last + 1
        seq.last += count
        seq.save(update_fields=["last"])
    prefix = reference_prefix(organisation)
    return [f"{prefix}-{year}-{n:05d}" for n in range(first, first + count)]


def reference_prefix(organisation) -> str:
    letters = "".join(ch for ch in organisation.slug.upper() if ch.isalnum())
    return letters[:3] or "ORG"


def add_event(
    case,
    kind: str,
    date: datetime.date | None = None,
    summary_code: str = "",
    *,
    summary_list: str = "",
    detail: str = "",
    actor=None,
    organisation=None,
    obj=None,
) -> CaseEvent:
    """Add an entry to a case's timeline; `detail` must hold no identity data."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        date=date or timezone.localdate(),
        summary_list=summary_list,
        summary_code=summary_code,
        detail=detail[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation or case.organisation,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


def set_case_codes(case, field: str, values) -> None:
    """Replace the codes of one multi-valued field of a case."""
    values = [v for v in dict.fromkeys(values) if v]
    CaseCode.objects.filter(case=case, field=field).delete()
    CaseCode.objects.bulk_create([CaseCode(case=case, field=field, code=v) for v in values])
    column = Case.COPIED_CODES.get(field)
    if column:
        setattr(case, column, codes_text(values))
        Case.objects.filter(pk=case.pk).update(**{column: getattr(case, column)})


def _check_against_register(person: Person) -> None:
    """Once committed, look in the background for the person already registered."""
    from himoya.linkage.registration import check_after_commit

    check_after_commit([person.pk])


def _person_from(data: dict, organisation, acting_user) -> Person:
    unknown = set(data) - set(Person.IDENTITY_FIELDS) - set(PERSON_ANALYTIC_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    _check_codes(data)
    person = Person(organisation=organisation, created_by=acting_user, **data)
    person.age_group = codes.age_group_for(person.age_at_identification)
    person.save()
    person.refresh_blind_indexes()
    return person


@transaction.atomic
def do_register_case(
    organisation,
    *,
    acting_user,
    person,
    case: dict | None = None,
    situation: dict | None = None,
    multi: dict | None = None,
    status: dict | None = None,
    request=None,
) -> Case:
    """Register a case of a new person (dict of Person fields) or an existing Person.

    `case`: CASE_FIELDS; `situation`: SITUATION_FIELDS; `multi`: {CaseCode field: [codes]};
    `status`: optional {"trafficking_status", "decided_by", "decided_on", "basis"} — an
    identification that needs approval is registered as presumed with a pending decision.
    """
    case_data = dict(case or {})
    situation_data = dict(situation or {})
    multi = {k: list(v) for k, v in (multi or {}).items() if v}
    _check_codes(situation_data)
    _check_multi(multi)
    if isinstance(person, Person):
        if person.organisation_id != organisation.pk:
            raise CaseActionError(_("The person belongs to another organisation."))
        # Two cases registered at once for one person must both see the other.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        created_fields = []
    else:
        created_fields = [k for k, v in person.items() if v not in ("", None)]
        person = _person_from(person, organisation, acting_user)
        _check_against_register(person)
    registered_on = case_data.pop("registered_on", None) or timezone.localdate()
    obj = Case(
        person=person,
        organisation=organisation,
        registered_by=acting_user,
        registered_on=registered_on,
        reference=next_reference(organisation, registered_on.year)[0],
        sex=person.sex,
        age_group=person.age_group,
        citizenship=person.citizenship,
        region_of_origin=person.region_of_origin,
        **{k: v for k, v in case_data.items() if k in CASE_FIELDS},
    )
    if obj.caseworker_id is None and policy.has_perm(acting_user, roles.CHANGE_CASE, organisation):
        obj.caseworker = acting_user
    sit = TraffickingSituation(**{k: v for k, v in situation_data.items() if k in SITUATION_FIELDS})
    sit.cross_border_derived = derive_cross_border(
        sit.exploitation_country, person.citizenship, person.region_of_origin
    )
    if sit.cross_border_override is not None and not sit.cross_border_override_reason:
        raise ValidationError(
            {"cross_border_override_reason": _("Say why internal or cross-border is set by hand.")}
        )
    obj.exploitation_country = sit.exploitation_country
    obj.is_cross_border = sit.is_cross_border
    obj.save()
    sit.case = obj
    sit.save()
    for field, values in multi.items():
        set_case_codes(obj, field, values)
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=organisation,
        obj=obj,
        fields=[
            *[f"person.{f}" for f in created_fields],
            *sorted(k for k, v in case_data.items() if v not in ("", None)),
            *sorted(f"situation.{k}" for k, v in situation_data.items() if v not in ("", None)),
            *sorted(f"situation.{k}" for k in multi),
        ],
        request=request,
    )
    add_event(obj, "registered", registered_on, actor=acting_user)
    if obj.exploitation_began:
        add_event(obj, "exploitation_began", obj.exploitation_began, actor=acting_user)
    if obj.exploitation_ended:
        add_event(obj, "exploitation_ended", obj.exploitation_ended, actor=acting_user)
    status = dict(status or {})
    wanted = status.pop("trafficking_status", codes.PRESUMED) or codes.PRESUMED
    if wanted == codes.IDENTIFIED:
        do_identify_victim(obj, acting_user=acting_user, request=request, **status)
    elif wanted == codes.NOT_A_VICTIM:
        do_decide_not_victim(obj, acting_user=acting_user, request=request, **status)
    return obj


# --- status lifecycle ----------------------------------------------------------------


@transaction.atomic
def do_correct_situation(
    case,
    *,
    acting_user,
    case_data: dict,
    situation: dict,
    multi: dict,
    request=None,
) -> list[str]:
    """Correct how the person was recruited, moved and exploited; return what changed.

    `case_data`: the exploitation dates; `situation`: SITUATION_FIELDS (without the
    override fields, internal or cross-border goes back to being derived); `multi`:
    {CaseCode field: [codes]} for every multi-valued field shown. The case row's copies
    (country of exploitation, cross-border, codes) follow; the audit log and the
    timeline name the fields, never their values.
    """
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    multi = {k: [v for v in dict.fromkeys(values) if v] for k, values in multi.items()}
    _check_codes(situation)
    _check_multi(multi)
    sit = TraffickingSituation.objects.filter(case=case).first() or TraffickingSituation(case=case)
    changed = []
    for name in ("exploitation_began", "exploitation_ended"):
        if name in case_data and getattr(case, name) != case_data[name]:
            setattr(case, name, case_data[name])
            changed.append(name)
    wanted = {name: situation.get(name) or "" for name in SITUATION_FIELDS}
    wanted["cross_border_override"] = situation.get("cross_border_override")
    if wanted["cross_border_override"] is None:
        wanted["cross_border_override_reason"] = ""
    elif not wanted["cross_border_override_reason"]:
        raise ValidationError(
            {"cross_border_override_reason": _("Say why internal or cross-border is set by hand.")}
        )
    for name, value in wanted.items():
        if getattr(sit, name) != value:
            setattr(sit, name, value)
            changed.append(f"situation.{name}")
    recorded = case.codes_by_field()
    before = {f: recorded.get(f, []) for f in multi}
    if not changed and all(before[f] == sorted(values) for f, values in multi.items()):
        return []
    person = case.person
    sit.cross_border_derived = derive_cross_border(
        sit.exploitation_country, person.citizenship, person.region_of_origin
    )
    sit.save()
    for field, values in multi.items():
        if before[field] != sorted(values):
            set_case_codes(case, field, values)
            changed.append(f"situation.{field}")
    for name in ("exploitation_began", "exploitation_ended"):
        if name in changed:  # the timeline shows these dates: it follows them
            case.events.filter(kind=name).delete()
            if getattr(case, name):
                add_event(case, name, getattr(case, name), actor=acting_user)
    case.exploitation_country = sit.exploitation_country
    case.is_cross_border = sit.is_cross_border
    case.save(
        update_fields=[
            "exploitation_began",
            "exploitation_ended",
            "exploitation_country",
            "is_cross_border",
        ]
    )
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=case.organisation,
        obj=case,
        fields=changed,
        request=request,
    )
    add_event(case, "situation_corrected", actor=acting_user)
    return changed


@transaction.atomic
def do_correct_person(person, *, acting_user, data: dict, request=None) -> list[str]:
    """Correct who the person is; return the fields that changed.

    `data`: identity and analytic fields as the registration form gives them (a field
    left out is emptied); `age_at_identification` counts only when the date of birth or
    the approximate age changed, and an unknown age keeps the age group on record (an
    import may give the group without an age). Every case of the person follows: its
    copies of what changed (sex, age group, citizenship, region of origin) and the
    derived internal or cross-border. A changed name gets new search tokens. The audit
    log and the timelines name the fields, never their values.
    """
    unknown = set(data) - set(Person.IDENTITY_FIELDS) - set(PERSON_ANALYTIC_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    _check_codes(data)
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = []
    for name in (*Person.IDENTITY_FIELDS, *PERSON_ANALYTIC_FIELDS):
        if name == "age_at_identification":
            continue
        empty = None if name == "date_of_birth" else ""
        value = data.get(name, empty)
        if value in ("", None):
            value = empty
        if (getattr(person, name) or empty) != value:
            setattr(person, name, value)
            changed.append(name)
    if {"date_of_birth", "approximate_age"} & set(changed):
        age = data.get("age_at_identification")
        if age != person.age_at_identification:
            person.age_at_identification = age
            changed.append("age_at_identification")
        if age is not None and codes.age_group_for(age) != person.age_group:
            person.age_group = codes.age_group_for(age)
            changed.append("age_group")
    if not changed:
        return []
    person.save()
    if set(changed) & set(Person.NAME_FIELDS):
        person.refresh_blind_indexes()
    if {*Person.NAME_FIELDS, "date_of_birth", "approximate_age", "sex"} & set(changed):
        _check_against_register(person)
    copies = [f for f in ("sex", "age_group", "citizenship", "region_of_origin") if f in changed]
    cases = list(Case.objects.filter(person=person).select_related("situation"))
    for case in cases:
        for name in copies:
            setattr(case, name, getattr(person, name))
        situation = getattr(case, "situation", None)
        if situation is not None and {"citizenship", "region_of_origin"} & set(copies):
            situation.cross_border_derived = derive_cross_border(
                situation.exploitation_country, person.citizenship, person.region_of_origin
            )
            situation.save(update_fields=["cross_border_derived"])
            case.is_cross_border = situation.is_cross_border
        if copies:
            case.save(update_fields=[*copies, "is_cross_border"])
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=person.organisation,
        obj=person,
        fields=changed,
        request=request,
    )
    for case in cases:
        add_event(case, "person_corrected", actor=acting_user)
    return changed


def _needs_approval(case, acting_user) -> bool:
    return case.organisation.requires_status_approval and not policy.has_perm(
        acting_user, roles.APPROVE_STATUS, case.organisation_id
    )


def _check_allowed(case, kind: str) -> None:
    K = StatusDecision.Kind
    if case.status_decisions.filter(state=StatusDecision.State.PENDING).exists():
        raise CaseActionError(_("A decision on this case is already waiting for approval."))
    if kind in (K.IDENTIFY, K.NOT_VICTIM, K.CLOSE) and not case.is_open:
        raise CaseActionError(_("The case is closed. Reopen it first."))
    if kind == K.IDENTIFY and case.trafficking_status == codes.IDENTIFIED:
        raise CaseActionError(_("The person is already identified as a victim."))
    if kind == K.NOT_VICTIM and case.trafficking_status != codes.PRESUMED:
        raise CaseActionError(_("Only a presumed victim can be decided not to be a victim."))
    if kind == K.REOPEN and case.is_open:
        raise CaseActionError(_("The case is already open."))


def _apply(decision: StatusDecision, acting_user, request=None) -> None:
    case = decision.case
    K = StatusDecision.Kind
    if decision.kind in (K.IDENTIFY, K.NOT_VICTIM):
        case.trafficking_status = (
            codes.IDENTIFIED if decision.kind == K.IDENTIFY else codes.NOT_A_VICTIM
        )
        case.status_decided_by = decision.decided_by
        case.status_decided_on = decision.decided_on
        case.status_basis = decision.basis
        changed = ["trafficking_status", "status_decided_by", "status_decided_on", "status_basis"]
        if decision.kind == K.IDENTIFY and case.identified_on is None:
            case.identified_on = decision.decided_on
            changed.append("identified_on")
        event, summary = (
            ("identified", decision.decided_by)
            if decision.kind == K.IDENTIFY
            else ("not_victim", decision.decided_by)
        )
        summary_list = codes.DECIDING_ORG
    elif decision.kind == K.CLOSE:
        case.case_status = "Closed"
        case.closed_on = decision.decided_on
        case.closure_reason = decision.closure_reason
        changed = ["case_status", "closed_on", "closure_reason"]
        event, summary, summary_list = "closed", decision.closure_reason, codes.CLOSURE_REASON
    else:
        case.case_status = "Active"
        case.closed_on = None
        case.closure_reason = ""
        changed = ["case_status", "closed_on", "closure_reason"]
        event, summary, summary_list = "reopened", "", ""
    case.save(update_fields=changed)
    decision.state = StatusDecision.State.APPLIED
    decision.save(update_fields=["state"])
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        organisation=case.organisation,
        obj=case,
        fields=changed,
        detail=decision.kind,
        request=request,
    )
    add_event(
        case,
        event,
        decision.decided_on,
        summary,
        summary_list=summary_list,
        actor=acting_user,
        obj=decision,
    )


def _decide(case, kind, *, acting_user, request=None, **values) -> StatusDecision:
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    _check_allowed(case, kind)
    values.setdefault("decided_on", timezone.localdate())
    decision = StatusDecision.objects.create(
        case=case, kind=kind, requested_by=acting_user, **values
    )
    if _needs_approval(case, acting_user):
        record(
            Action.CREATE,
            actor=acting_user,
            organisation=case.organisation,
            obj=decision,
            fields=[k for k, v in values.items() if v],
            detail=kind,
            request=request,
        )
        add_event(
            case, "decision_requested", decision.decided_on, kind, actor=acting_user, obj=decision
        )
    else:
        decision.reviewed_by = acting_user
        decision.reviewed_at = timezone.now()
        decision.save(update_fields=["reviewed_by", "reviewed_at"])
        _apply(decision, acting_user, request)
    return decision


def _check_deciding_org(decided_by: str) -> None:
    if not decided_by or not codes.is_valid(codes.DECIDING_ORG, decided_by):
        raise ValidationError({"decided_by": _("Choose the organisation that decided.")})


@transaction.atomic
def do_identify_victim(
    case, *, decided_by: str, decided_on=None, basis: str = "", acting_user, request=None
) -> StatusDecision:
    """Identify the person as a victim of trafficking (or ask a supervisor to)."""
    _check_deciding_org(decided_by)
    return _decide(
        case,
        StatusDecision.Kind.IDENTIFY,
        acting_user=acting_user,
        request=request,
        decided_by=decided_by,
        decided_on=decided_on,
        basis=basis,
    )


@transaction.atomic
def do_decide_not_victim(
    case, *, decided_by: str, decided_on=None, basis: str = "", acting_user, request=None
) -> StatusDecision:
    """Decide that the presumed victim is not a victim of trafficking (or ask to)."""
    _check_deciding_org(decided_by)
    return _decide(
        case,
        StatusDecision.Kind.NOT_VICTIM,
        acting_user=acting_user,
        request=request,
        decided_by=decided_by,
        decided_on=decided_on,
        basis=basis,
    )


@transaction.atomic
def do_close_case(
    case, *, reason: str, closed_on=None, acting_user, request=None
) -> StatusDecision:
    """Close the case with a reason (or ask a supervisor to)."""
    if not reason or not codes.is_valid(codes.CLOSURE_REASON, reason):
        raise ValidationError({"reason": _("Choose why the case is closed.")})
    return _decide(
        case,
        StatusDecision.Kind.CLOSE,
        acting_user=acting_user,
        request=request,
        closure_reason=reason,
        decided_on=closed_on,
    )


@transaction.atomic
def do_reopen_case(case, *, acting_user, request=None) -> StatusDecision:
    """Reopen a closed case; reopening loses nothing, so it never waits for approval."""
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    _check_allowed(case, StatusDecision.Kind.REOPEN)
    decision = StatusDecision.objects.create(
        case=case,
        kind=StatusDecision.Kind.REOPEN,
        requested_by=acting_user,
        decided_on=timezone.localdate(),
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
    )
    _apply(decision, acting_user, request)
    return decision


@transaction.atomic
def do_approve_status_decision(decision, *, acting_user, request=None) -> StatusDecision:
    """Approve a pending decision and apply it to the case."""
    decision = StatusDecision.objects.select_for_update().select_related("case").get(pk=decision.pk)
    if decision.state != StatusDecision.State.PENDING:
        raise CaseActionError(_("This decision is no longer waiting for approval."))
    decision.reviewed_by = acting_user
    decision.reviewed_at = timezone.now()
    decision.save(update_fields=["reviewed_by", "reviewed_at"])
    _apply(decision, acting_user, request)
    return decision


@transaction.atomic
def do_reject_status_decision(
    decision, *, acting_user, note: str = "", request=None
) -> StatusDecision:
    """Reject a pending decision; the case keeps its status."""
    decision = StatusDecision.objects.select_for_update().select_related("case").get(pk=decision.pk)
    if decision.state != StatusDecision.State.PENDING:
        raise CaseActionError(_("This decision is no longer waiting for approval."))
    decision.state = StatusDecision.State.REJECTED
    decision.reviewed_by = acting_user
    decision.reviewed_at = timezone.now()
    decision.review_note = note[:300]
    decision.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=decision.case.organisation,
        obj=decision,
        fields=["state", "review_note"] if note else ["state"],
        detail=decision.kind,
        request=request,
    )
    add_event(
        decision.case,
        "decision_rejected",
        timezone.localdate(),
        decision.kind,
        actor=acting_user,
        obj=decision,
    )
    return decision


@transaction.atomic
def do_reveal_identity(person, *, acting_user, case=None, request=None) -> Person:
    """Record that the user opened a person's identity fields."""
    record(
        Action.VIEW_IDENTITY,
        actor=acting_user,
        organisation=case.organisation if case is not None else person.organisation,
        obj=person,
        fields=list(Person.IDENTITY_FIELDS),
        detail=f"case {case.pk}" if case is not None else "",
        request=request,
    )
    return person
