"""State changes of proceedings: the stage machine and the records around it.

Each function is atomic and writes its audit row. Bad input raises ValidationError with a
message for the user, before anything is saved.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.access.roles import Role
from himoya.audit.actions import Action, record
from himoya.justice.models import (
    STAGE_ORDER,
    Defendant,
    Hearing,
    LegalRepresentation,
    Perpetrator,
    Proceeding,
    ProceedingArticle,
    Stage,
    StageChange,
    VictimNotification,
    VictimParticipation,
)
from himoya.organisations.models import Organisation
from himoya.vocab import registry

# --- checks ----------------------------------------------------------------------------


def _check_codes(list_name: str, values, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if not registry.is_valid(list_name, v)]
    if unknown:
        if list_name == "jus_CriminalCodeArticle":
            msg = _("There is no article %(codes)s in the list of Criminal Code articles.")
        else:
            msg = _("Unknown value: %(codes)s.")
        raise ValidationError({field: msg % {"codes": ", ".join(unknown)}})
    return values


def _check_not_future(on: datetime.date, field: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _stage_date(proceeding: Proceeding) -> datetime.date | None:
    last = proceeding.stage_changes.order_by("-on", "-id").first()
    return last.on if last else None


def _check_after_current_stage(proceeding: Proceeding, on: datetime.date, field="on") -> None:
    previous = _stage_date(proceeding)
    if previous is not None and on < previous:
        raise ValidationError(
            {
                field: _(
                    "The date %(date)s is before the date of the current stage, "
                    "%(stage)s (%(previous)s)."
                )
                % {
                    "date": on.isoformat(),
                    "stage": registry.label("jus_Stage", proceeding.stage),
                    "previous": previous.isoformat(),
                }
            }
        )


def _check_open(proceeding: Proceeding) -> None:
    if proceeding.outcome == "dismissed":
        raise ValidationError(_("This proceeding was dismissed; it cannot change stage."))


def _check_stage(proceeding: Proceeding, expected: str) -> None:
    _check_open(proceeding)
    if proceeding.stage != expected:
        raise ValidationError(
            _("This step needs the proceeding to be at the stage %(stage)s.")
            % {"stage": registry.label("jus_Stage", expected)}
        )


def _move(proceeding, stage: str, on: datetime.date, acting_user, fields=()) -> None:
    proceeding.stage = stage
    proceeding.save(update_fields=["stage", "updated_at", *fields])
    StageChange.objects.create(proceeding=proceeding, stage=stage, on=on, recorded_by=acting_user)
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        obj=proceeding,
        fields=["stage", *fields],
        detail=stage,
    )


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    value = Decimal(value)
    if value < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    return value


# --- proceedings -----------------------------------------------------------------------


@transaction.atomic
def do_open_proceeding(
    organisation: Organisation,
    *,
    kind: str,
    case_number: str,
    opened_on: datetime.date,
    articles=(),
    court: str = "",
    acting_user,
) -> Proceeding:
    """Open a proceeding at the first stage of its kind."""
    kind = _check_codes("jus_ProceedingKind", [kind], "kind")[0]
    articles = _check_codes("jus_CriminalCodeArticle", articles, "articles")
    if kind == "criminal":
        if organisation.kind != Organisation.Kind.LAW_ENFORCEMENT:
            raise ValidationError(_("Only a law-enforcement agency investigates a criminal case."))
        if not articles:
            raise ValidationError({"articles": _("Choose at least one article.")})
    if not case_number.strip():
        raise ValidationError({"case_number": _("Enter the case number.")})
    _check_not_future(opened_on, "opened_on")
    kind_code = registry.get("jus_ProceedingKind", kind)
    if kind_code is None:
        raise ValidationError({"kind": _("Choose the kind of proceeding.")})
    stage = kind_code.extra["first_stage"]
    proceeding = Proceeding.objects.create(
        organisation=organisation,
        kind=kind,
        case_number=case_number.strip(),
        court=court,
        stage=stage,
        opened_on=opened_on,
        created_by=acting_user,
    )
    ProceedingArticle.objects.bulk_create(
        ProceedingArticle(proceeding=proceeding, article=a) for a in articles
    )
    StageChange.objects.create(
        proceeding=proceeding, stage=stage, on=opened_on, recorded_by=acting_user
    )
    record(
        Action.CREATE,
        actor=acting_user,
        obj=proceeding,
        fields=["kind", "case_number", "opened_on", "articles", "stage"],
    )
    return proceeding


@transaction.atomic
def do_set_articles(proceeding: Proceeding, *, articles, acting_user) -> Proceeding:
    """Replace the articles charged; an article not in the list is refused."""
    articles = _check_codes("jus_CriminalCodeArticle", articles, "articles")
    if proceeding.kind == "criminal" and not articles:
        raise ValidationError({"articles": _("Choose at least one article.")})
    proceeding.articles.exclude(article__in=articles).delete()
    have = set(proceeding.articles.values_list("article", flat=True))
    ProceedingArticle.objects.bulk_create(
        ProceedingArticle(proceeding=proceeding, article=a) for a in articles if a not in have
    )
    record(Action.UPDATE, actor=acting_user, obj=proceeding, fields=["articles"])
    return proceeding


@transaction.atomic
def do_indict(proceeding: Proceeding, *, on: datetime.date, acting_user) -> Proceeding:
    """Move from investigation to prosecution: the suspects become accused."""
    _check_stage(proceeding, Stage.INVESTIGATION)
    _check_not_future(on)
    _check_after_current_stage(proceeding, on)
    if not proceeding.defendants.exists():
        raise ValidationError(_("Add at least one suspect before the indictment."))
    proceeding.defendants.filter(status="suspected").update(status="accused")
    _move(proceeding, Stage.PROSECUTION, on, acting_user)
    return proceeding


@transaction.atomic
def do_send_to_trial(
    proceeding: Proceeding, *, on: datetime.date, court: str = "", acting_user
) -> Proceeding:
    """Move from prosecution to trial, naming the court."""
    _check_stage(proceeding, Stage.PROSECUTION)
    _check_not_future(on)
    _check_after_current_stage(proceeding, on)
    fields = []
    if court:
        proceeding.court = court
        fields.append("court")
    _move(proceeding, Stage.TRIAL, on, acting_user, fields)
    return proceeding


def _apply_decision(proceeding, *, on, outcome, reclassified_to, sentences, compensation):
    """Check and apply an outcome with per-defendant sentences; return changed fields."""
    outcome = _check_codes("jus_Outcome", [outcome], "outcome")[0]
    code = registry.get("jus_Outcome", outcome)
    if proceeding.kind not in code.extra.get("kinds", []):
        raise ValidationError({"outcome": _("This outcome does not apply to this kind of case.")})
    if outcome == "reclassified":
        if not reclassified_to:
            raise ValidationError(
                {"reclassified_to": _("Choose the article the case was reclassified to.")}
            )
        _check_codes("jus_CriminalCodeArticle", [reclassified_to], "reclassified_to")
    else:
        reclassified_to = ""
    sentences = sentences or {}
    defendants = list(proceeding.defendants.select_related("perpetrator"))
    by_id = {d.pk: d for d in defendants}
    if set(sentences) - set(by_id):
        raise ValidationError(_("A sentence names a person who is not accused here."))
    to_save = []
    if proceeding.kind == "criminal" and outcome in {"convicted", "reclassified", "acquitted"}:
        for d in defendants:
            s = sentences.get(d.pk, {})
            status = s.get("status") or ("acquitted" if outcome == "acquitted" else "convicted")
            if status not in {"convicted", "acquitted"}:
                raise ValidationError(_("Each accused person is either convicted or acquitted."))
            d.status = status
            d.prison_months = s.get("prison_months") or None
            d.suspended = bool(s.get("suspended")) and bool(d.prison_months)
            d.fine_somoni = _money(s.get("fine_somoni"), "fine_somoni") or None
            d.amnesty = bool(s.get("amnesty"))
            if status == "convicted" and not d.has_sentence:
                raise ValidationError(
                    _("A conviction needs a sentence: enter a prison term, a fine or amnesty.")
                )
            to_save.append(d)
        if code.extra.get("needs_sentence") and not any(d.status == "convicted" for d in to_save):
            raise ValidationError(
                _("A conviction needs at least one convicted person with a sentence.")
            )
    for d in to_save:
        d.save(update_fields=["status", "prison_months", "suspended", "fine_somoni", "amnesty"])
    proceeding.outcome = outcome
    proceeding.outcome_on = on
    proceeding.reclassified_to = reclassified_to
    fields = ["outcome", "outcome_on", "reclassified_to"]
    if compensation is not None:
        proceeding.compensation_ordered = _money(compensation, "compensation_ordered")
        fields.append("compensation_ordered")
    return fields


@transaction.atomic
def do_record_verdict(
    proceeding: Proceeding,
    *,
    on: datetime.date,
    outcome: str,
    sentences=None,
    reclassified_to: str = "",
    compensation_ordered=None,
    acting_user,
) -> Proceeding:
    """Move from trial to verdict: outcome, each accused person's sentence, compensation."""
    _check_stage(proceeding, Stage.TRIAL)
    _check_not_future(on)
    _check_after_current_stage(proceeding, on)
    indicted = proceeding.stage_date(Stage.PROSECUTION) if proceeding.kind == "criminal" else None
    if indicted and on < indicted:
        raise ValidationError({"on": _("The verdict cannot come before the indictment.")})
    fields = _apply_decision(
        proceeding,
        on=on,
        outcome=outcome,
        reclassified_to=reclassified_to,
        sentences=sentences,
        compensation=compensation_ordered,
    )
    _move(proceeding, Stage.VERDICT, on, acting_user, fields)
    return proceeding


@transaction.atomic
def do_appeal(proceeding: Proceeding, *, on: datetime.date, acting_user) -> Proceeding:
    """Move from verdict to appeal."""
    _check_stage(proceeding, Stage.VERDICT)
    _check_not_future(on)
    _check_after_current_stage(proceeding, on)
    _move(proceeding, Stage.APPEAL, on, acting_user)
    return proceeding


@transaction.atomic
def do_decide_appeal(
    proceeding: Proceeding,
    *,
    on: datetime.date,
    outcome: str,
    sentences=None,
    reclassified_to: str = "",
    compensation_ordered=None,
    acting_user,
) -> Proceeding:
    """Record the appeal court's decision; it replaces the outcome and the sentences."""
    _check_stage(proceeding, Stage.APPEAL)
    _check_not_future(on)
    _check_after_current_stage(proceeding, on)
    fields = _apply_decision(
        proceeding,
        on=on,
        outcome=outcome,
        reclassified_to=reclassified_to,
        sentences=sentences,
        compensation=compensation_ordered,
    )
    proceeding.save(update_fields=[*fields, "updated_at"])
    record(Action.STATUS_CHANGE, actor=acting_user, obj=proceeding, fields=fields, detail=outcome)
    return proceeding


@transaction.atomic
def do_dismiss(proceeding: Proceeding, *, on: datetime.date, acting_user) -> Proceeding:
    """Close the proceeding without a verdict."""
    _check_open(proceeding)
    if STAGE_ORDER.index(proceeding.stage) >= STAGE_ORDER.index(Stage.VERDICT):
        raise ValidationError(_("A proceeding with a verdict cannot be dismissed."))
    _check_not_future(on)
    _check_after_current_stage(proceeding, on)
    proceeding.outcome = "dismissed"
    proceeding.outcome_on = on
    proceeding.save(update_fields=["outcome", "outcome_on", "updated_at"])
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        obj=proceeding,
        fields=["outcome", "outcome_on"],
        detail="dismissed",
    )
    return proceeding


@transaction.atomic
def do_record_compensation(
    proceeding: Proceeding, *, ordered=None, paid=None, acting_user
) -> Proceeding:
    """Record the compensation a court ordered and how much has been paid."""
    ordered = _money(ordered, "compensation_ordered")
    paid = _money(paid, "compensation_paid")
    if paid and ordered is None:
        raise ValidationError(
            {"compensation_ordered": _("Enter the amount ordered before the amount paid.")}
        )
    proceeding.compensation_ordered = ordered
    proceeding.compensation_paid = paid
    proceeding.save(update_fields=["compensation_ordered", "compensation_paid", "updated_at"])
    record(
        Action.UPDATE,
        actor=acting_user,
        obj=proceeding,
        fields=["compensation_ordered", "compensation_paid"],
    )
    return proceeding


@transaction.atomic
def do_schedule_hearing(
    proceeding: Proceeding,
    *,
    kind: str,
    on: datetime.date,
    at=None,
    place: str = "",
    note: str = "",
    acting_user,
) -> Hearing:
    """Add a hearing or deadline to the proceeding's calendar."""
    _check_codes("jus_HearingKind", [kind], "kind")
    if on < proceeding.opened_on:
        raise ValidationError({"on": _("The date is before the proceeding was opened.")})
    hearing = Hearing.objects.create(
        proceeding=proceeding,
        kind=kind,
        on=on,
        at=at,
        place=place,
        note=note,
        created_by=acting_user,
    )
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=proceeding.organisation,
        obj=hearing,
        fields=["kind", "on", "at", "place", "note"],
    )
    return hearing


# --- perpetrators ----------------------------------------------------------------------


@transaction.atomic
def do_add_perpetrator(
    proceeding: Proceeding,
    *,
    sex: str,
    age_group: str,
    role: str,
    citizenship: str = "",
    relationship_to_victim: str = "",
    full_name: str = "",
    birth_date=None,
    identity_document: str = "",
    cases=(),
    status: str = "suspected",
    acting_user,
) -> Defendant:
    """Record a perpetrator and put them in the proceeding with a status."""
    _check_open(proceeding)
    _check_codes("sex", [sex], "sex")
    _check_codes("age_group", [age_group], "age_group")
    _check_codes("per_RoleInProcess", [role], "role")
    _check_codes("jus_PerpetratorStatus", [status], "status")
    if relationship_to_victim:
        _check_codes("vic_RelationshipToTrafficker", [relationship_to_victim], "relationship")
    citizenship = _check_country(citizenship)
    perpetrator = Perpetrator.objects.create(
        organisation=proceeding.organisation,
        full_name=full_name,
        birth_date=birth_date,
        identity_document=identity_document,
        sex=sex,
        age_group=age_group,
        citizenship=citizenship,
        role=role,
        relationship_to_victim=relationship_to_victim,
    )
    if cases:
        perpetrator.cases.set(cases)
    defendant = Defendant.objects.create(
        proceeding=proceeding, perpetrator=perpetrator, status=status
    )
    identity = {
        "full_name": full_name,
        "birth_date": birth_date,
        "identity_document": identity_document,
    }
    filled = [name for name, value in identity.items() if value]
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=proceeding.organisation,
        obj=perpetrator,
        fields=["sex", "age_group", "citizenship", "role", "cases", *filled],
    )
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=proceeding.organisation,
        obj=defendant,
        fields=["proceeding", "perpetrator", "status"],
    )
    return defendant


def _check_country(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        return ""
    if not registry.is_valid("country", code):
        raise ValidationError({"citizenship": _("Unknown country code %(code)s.") % {"code": code}})
    return code


@transaction.atomic
def do_link_perpetrator_cases(perpetrator: Perpetrator, *, cases, acting_user) -> Perpetrator:
    """Set the victims' cases a perpetrator is linked to."""
    perpetrator.cases.set(cases)
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=perpetrator.organisation,
        obj=perpetrator,
        fields=["cases"],
    )
    return perpetrator


# --- victims ---------------------------------------------------------------------------


@transaction.atomic
def do_add_victim(
    proceeding: Proceeding,
    case,
    *,
    roles,
    joined_on: datetime.date,
    protection_measures=(),
    acting_user,
) -> VictimParticipation:
    """Record that a victim takes part in the proceeding, and how."""
    roles = _check_codes("jus_VictimParticipation", roles, "roles")
    if not roles:
        raise ValidationError({"roles": _("Say how the victim takes part.")})
    measures = _check_codes("jus_ProtectionMeasure", protection_measures, "protection_measures")
    _check_not_future(joined_on, "joined_on")
    if joined_on < proceeding.opened_on:
        raise ValidationError({"joined_on": _("The date is before the proceeding was opened.")})
    if proceeding.participations.filter(case=case).exists():
        raise ValidationError({"case": _("This victim already takes part in the proceeding.")})
    participation = VictimParticipation.objects.create(
        proceeding=proceeding,
        case=case,
        roles=roles,
        protection_measures=measures,
        joined_on=joined_on,
    )
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=proceeding.organisation,
        obj=participation,
        fields=["case", "roles", "protection_measures", "joined_on"],
    )
    return participation


@transaction.atomic
def do_set_protection(
    participation: VictimParticipation, *, roles, protection_measures, acting_user
) -> VictimParticipation:
    """Change how a victim takes part and the measures protecting them."""
    roles = _check_codes("jus_VictimParticipation", roles, "roles")
    if not roles:
        raise ValidationError({"roles": _("Say how the victim takes part.")})
    measures = _check_codes("jus_ProtectionMeasure", protection_measures, "protection_measures")
    participation.roles = roles
    participation.protection_measures = measures
    participation.save(update_fields=["roles", "protection_measures"])
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=participation.proceeding.organisation,
        obj=participation,
        fields=["roles", "protection_measures"],
    )
    return participation


@transaction.atomic
def do_assign_lawyer(
    participation: VictimParticipation,
    *,
    lawyer,
    organisation: Organisation,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    acting_user,
) -> LegalRepresentation:
    """Record that a lawyer of an organisation represents the victim from a date."""
    from himoya.access import policy

    policy.forget(lawyer)
    if not any(
        m.organisation_id == organisation.pk and m.role == Role.LAWYER
        for m in policy.memberships(lawyer)
    ):
        raise ValidationError({"lawyer": _("This person is not a lawyer of that organisation.")})
    from himoya.access.justice import organisations_seeing_case

    if organisation.pk not in organisations_seeing_case(participation.case):
        # Naming a lawyer opens the case to her: only organisations that hold the case
        # already (its own, or through a referral the person agreed to) may be named.
        raise ValidationError(
            {"lawyer": _("This lawyer's organisation does not hold the victim's case.")}
        )
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    representation = LegalRepresentation.objects.create(
        case=participation.case,
        proceeding=participation.proceeding,
        lawyer=lawyer,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=participation.proceeding.organisation,
        obj=representation,
        fields=["case", "lawyer", "organisation", "starts_on", "ends_on"],
    )
    return representation


@transaction.atomic
def do_end_representation(
    representation: LegalRepresentation, *, ends_on: datetime.date, acting_user
) -> LegalRepresentation:
    if ends_on < representation.starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    representation.ends_on = ends_on
    representation.save(update_fields=["ends_on"])
    record(
        Action.UPDATE,
        actor=acting_user,
        organisation=representation.organisation,
        obj=representation,
        fields=["ends_on"],
    )
    return representation


@transaction.atomic
def do_log_notification(
    participation: VictimParticipation,
    *,
    told_on: datetime.date,
    topic: str,
    note: str = "",
    acting_user,
) -> VictimNotification:
    """Write down what the victim was told, and when."""
    _check_codes("jus_NotificationTopic", [topic], "topic")
    _check_not_future(told_on, "told_on")
    notification = VictimNotification.objects.create(
        participation=participation,
        told_on=told_on,
        topic=topic,
        note=note,
        recorded_by=acting_user,
    )
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=participation.proceeding.organisation,
        obj=notification,
        fields=["told_on", "topic", "note"],
    )
    return notification
