"""State changes of checklists and screenings: one function each, atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.screening import rule
from himoya.screening.models import Answer, Checklist, ChecklistVersion, Indicator, Screening
from himoya.vocab import registry

# --- checklists ----------------------------------------------------------------------


@transaction.atomic
def do_create_checklist(organisation, *, slug, name_tg, name_ru, name_en, acting_user):
    """Create an organisation's own checklist with an empty first version."""
    checklist = Checklist.objects.create(
        organisation=organisation, slug=slug, name_tg=name_tg, name_ru=name_ru, name_en=name_en
    )
    ChecklistVersion.objects.create(checklist=checklist, number=1, created_by=acting_user)
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=organisation,
        obj=checklist,
        fields=["slug", "name_tg", "name_ru", "name_en"],
    )
    return checklist


@transaction.atomic
def do_copy_checklist(source: Checklist, organisation, *, slug, acting_user):
    """Start an organisation's checklist from the current version of another one."""
    checklist = Checklist.objects.create(
        organisation=organisation,
        slug=slug,
        name_tg=source.name_tg,
        name_ru=source.name_ru,
        name_en=source.name_en,
    )
    version = ChecklistVersion.objects.create(checklist=checklist, number=1, created_by=acting_user)
    _copy_indicators(source.current_version(), version)
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=organisation,
        obj=checklist,
        detail=f"copied from checklist {source.pk}",
    )
    return checklist


def _copy_indicators(source: ChecklistVersion | None, target: ChecklistVersion) -> None:
    if source is None:
        return
    Indicator.objects.bulk_create(
        Indicator(version=target, **{f: getattr(i, f) for f in Indicator.COPY_FIELDS})
        for i in source.indicators.all()
    )


def editable_version(version: ChecklistVersion, *, acting_user) -> ChecklistVersion:
    """Return `version` if no screening used it yet, else a new version copied from it."""
    if not version.is_frozen:
        return version
    checklist = version.checklist
    latest = checklist.versions.select_for_update().order_by("-number").first()
    assert latest is not None  # `version` itself belongs to the checklist
    if latest.pk != version.pk and not latest.is_frozen:
        return latest
    new = ChecklistVersion.objects.create(
        checklist=checklist, number=latest.number + 1, created_by=acting_user
    )
    _copy_indicators(latest, new)
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=checklist.organisation,
        obj=new,
        detail=f"new version {new.number} of checklist {checklist.pk}",
    )
    return new


@transaction.atomic
def do_save_indicator(version, *, data: dict, indicator=None, acting_user):
    """Add or change an indicator; a used version is never changed, a new one is made."""
    target = editable_version(version, acting_user=acting_user)
    if indicator is not None and target.pk != indicator.version_id:
        indicator = target.indicators.get(code=indicator.code)
    created = indicator is None
    indicator = indicator or Indicator(version=target)
    changed = [k for k, v in data.items() if getattr(indicator, k, None) != v]
    for k, v in data.items():
        setattr(indicator, k, v)
    indicator.save()
    record(
        Action.CREATE if created else Action.UPDATE,
        actor=acting_user,
        organisation=target.checklist.organisation,
        obj=indicator,
        fields=changed,
    )
    return indicator


@transaction.atomic
def do_remove_indicator(indicator, *, acting_user) -> ChecklistVersion:
    target = editable_version(indicator.version, acting_user=acting_user)
    target.indicators.filter(code=indicator.code).delete()
    record(
        Action.DELETE,
        actor=acting_user,
        organisation=target.checklist.organisation,
        object_type="screening.indicator",
        object_id=indicator.code,
        detail=f"version {target.pk}",
    )
    return target


# --- screenings ----------------------------------------------------------------------


@transaction.atomic
def do_start_screening(
    organisation,
    *,
    checklist: Checklist,
    age_group: str,
    suspected_form: str,
    region: str,
    district: str = "",
    place: str = "",
    screened_at=None,
    version: ChecklistVersion | None = None,
    acting_user,
    request=None,
) -> Screening:
    """Open a screening on the checklist's current version (freezing that version).

    `version` names an older version of the checklist instead (a phone's form was built
    from it).
    """
    if version is not None and version.checklist_id != checklist.pk:
        raise ValueError("the version belongs to another checklist")
    version = version or checklist.current_version()
    if version is None or not version.indicators.exists():
        raise ValidationError(_("This checklist has no questions yet."))
    if not version.is_frozen:
        version.frozen_at = timezone.now()
        version.save(update_fields=["frozen_at"])
    screening = Screening.objects.create(
        organisation=organisation,
        screened_by=acting_user,
        checklist_version=version,
        age_group=age_group,
        suspected_form=suspected_form,
        region=region,
        district=district,
        place=place,
        screened_at=screened_at or timezone.now(),
    )
    evaluate(screening)
    screening.save(update_fields=["status", "result", "suggested"])
    record(
        Action.CREATE,
        actor=acting_user,
        obj=screening,
        fields=["age_group", "suspected_form", "region", "district", "place"],
        request=request,
    )
    return screening


def evaluate(screening: Screening) -> rule.Result:
    """Run the rule on the screening's answers and store the outcome on it (unsaved)."""
    indicators = screening.indicators()
    answers = screening.answer_map()
    result = rule.classify([i.as_rule_item() for i in indicators], answers, screening.age_group)
    screening.result = result.as_dict()
    screening.suggested = result.classification
    answered = all(answers.get(i.code) for i in indicators)
    screening.status = Screening.Status.COMPLETE if answered else Screening.Status.INCOMPLETE
    return result


@transaction.atomic
def do_save_answers(screening: Screening, answers: dict, *, acting_user, request=None):
    """Store answers ({indicator code: value or ""}); blanks remove an answer."""
    by_code = {i.code: i for i in screening.indicators()}
    existing = {a.indicator.code: a for a in screening.answers.select_related("indicator")}
    if any(v and v not in Answer.Value.values for v in answers.values()):
        raise ValidationError(_("Unknown answer."))
    new, changed, removed = [], [], []
    for code, value in answers.items():
        indicator, old = by_code.get(code), existing.get(code)
        if indicator is None:
            continue
        if not value:
            if old is not None:
                removed.append(old.pk)
        elif old is None:
            new.append(Answer(screening=screening, indicator=indicator, value=value))
        elif old.value != value:
            old.value = value
            changed.append(old)
    Answer.objects.filter(pk__in=removed).delete()
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(changed, ["value"])
    evaluate(screening)
    screening.save(update_fields=["status", "result", "suggested"])
    if new or changed or removed:
        record(Action.UPDATE, actor=acting_user, obj=screening, fields=["answers"], request=request)
    return screening


@transaction.atomic
def do_decide(screening: Screening, *, decision: str, reason: str, acting_user, request=None):
    """Record the responder's decision; departing from the suggestion needs a reason."""
    if not registry.is_valid("screening_classification", decision) or decision == (
        rule.INSUFFICIENT
    ):
        raise ValidationError({"decision": _("Choose a decision.")})
    reason = reason.strip()
    if rule.needs_reason(screening.suggested, decision) and not reason:
        raise ValidationError({"reason": _("Say why you decide differently from the suggestion.")})
    screening.decision = decision
    screening.decision_reason = reason
    screening.decided_by = acting_user
    screening.decided_at = timezone.now()
    screening.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        obj=screening,
        fields=["decision", "decision_reason"],
        detail=f"suggested {screening.suggested}, decided {decision}",
        request=request,
    )
    return screening


SAFE_PLACE_TONIGHT = "safety_shelter"


def safety_needs(screening: Screening) -> list:
    """Return the safety questions answered "yes" (urgent: danger, medical care, a bed)."""
    return [
        a.indicator
        for a in screening.answers.select_related("indicator").filter(
            value=rule.YES, indicator__section="safety"
        )
    ]


def needs_safe_place_tonight(screening: Screening) -> bool:
    return screening.answers.filter(indicator__code=SAFE_PLACE_TONIGHT, value=rule.YES).exists()


def htcds_codes(screening: Screening) -> dict[str, list[str]]:
    """Map "yes" answers to HTCDS methods of control and types of exploitation."""
    yes = set(screening.answers.filter(value=rule.YES).values_list("indicator_id", flat=True))
    means, types = [], []
    form = registry.get("screening_form", screening.suspected_form)
    if form is not None and form.extra.get("htcds"):
        types.append(form.extra["htcds"])
    for indicator in screening.indicators():
        if indicator.pk in yes:
            means += indicator.methods_of_control
            types += indicator.exploitation_types
    return {
        "means_of_control": [c for c in dict.fromkeys(means) if c],
        "exploitation_types": [c for c in dict.fromkeys(types) if c],
    }


@transaction.atomic
def do_open_case(screening: Screening, *, person: dict, acting_user, request=None):
    """Register a presumed victim's case from the screening, carrying the answers over."""
    from himoya.cases.actions import do_register_case

    if screening.case_id is not None:
        raise ValidationError(_("A case was already opened from this screening."))
    if not screening.decision:
        do_decide(
            screening,
            decision=rule.PRESUMED_VICTIM,
            reason="",
            acting_user=acting_user,
            request=request,
        )
    if screening.decision != rule.PRESUMED_VICTIM:
        raise ValidationError(_("Only a presumed victim's screening opens a case."))
    case = do_register_case(
        screening.organisation,
        acting_user=acting_user,
        person=person,
        multi=htcds_codes(screening),
        request=request,
    )
    screening.case = case
    screening.save(update_fields=["case"])
    record(Action.UPDATE, actor=acting_user, obj=screening, fields=["case"], request=request)
    return case


@transaction.atomic
def do_set_checklist_active(checklist: Checklist, *, is_active: bool, acting_user) -> Checklist:
    """Offer a checklist for new screenings, or retire it (past screenings keep it)."""
    if checklist.is_active != is_active:
        checklist.is_active = is_active
        checklist.save(update_fields=["is_active"])
        record(
            Action.UPDATE,
            actor=acting_user,
            organisation=checklist.organisation,
            obj=checklist,
            fields=["is_active"],
        )
    return checklist
