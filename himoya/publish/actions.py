"""Releases: prepared by one coordinator in the background, approved by another."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.core import jobs
from himoya.publish import fields as F
from himoya.publish import population
from himoya.publish.models import BudgetSpend, Release

MIN_K = 5
MAX_EPSILON = 10.0
MIN_PERSONS = 100
DEFAULT_K = 11
DEFAULT_EPSILON = 4.0


def yearly_budget() -> float:
    return float(getattr(settings, "HIMOYA_PRIVACY_BUDGET", 10.0))


def budget_spent(population_key: str, year: int) -> float:
    spent = BudgetSpend.objects.filter(population=population_key, year=year).aggregate(
        e=Sum("epsilon")
    )["e"]
    return float(spent or 0)


def _check(*, method, fields, quasi_identifiers, k, epsilon, start, end, statuses, border) -> int:
    """Refuse what a release may not be; return the number of persons it describes."""
    errors: dict = {}
    bad = F.check_fields(fields)
    if bad:
        errors["fields"] = [
            _("“%(field)s” cannot be published: %(reason)s.") % {"field": f, "reason": r}
            for f, r in bad.items()
        ]
    if not fields:
        errors["fields"] = [_("Choose the fields to publish.")]
    if method == Release.Method.KANON:
        if k is None or k < MIN_K:
            errors["k"] = [_("k must be at least %(min)s.") % {"min": MIN_K}]
        if not quasi_identifiers or not set(quasi_identifiers) <= set(fields):
            errors["quasi_identifiers"] = [
                _("Choose the quasi-identifiers among the published fields.")
            ]
    elif method == Release.Method.SYNTHETIC:
        if epsilon is None or not 0 < epsilon <= MAX_EPSILON:
            errors["epsilon"] = [
                _("ε must be above 0 and at most %(max)s.") % {"max": int(MAX_EPSILON)}
            ]
    else:
        errors["method"] = [_("Choose a method.")]
    if end < start:
        errors["period_end"] = [_("The end cannot be before the start.")]
    if errors:
        raise ValidationError(errors)
    cases = population.cases_of(start, end, statuses, border)
    persons = (
        cases.annotate(
            who=Coalesce("national_person_id", "person_id", output_field=BigIntegerField())
        )
        .values("who")
        .distinct()
        .count()
    )
    if persons < MIN_PERSONS:
        raise ValidationError(
            _(
                "The population has %(n)s persons; a release needs at least %(min)s, or "
                "the persons in it could be recognised."
            )
            % {"n": persons, "min": MIN_PERSONS}
        )
    return persons


@transaction.atomic
def do_prepare_release(
    *,
    title: str,
    method: str,
    period_start: datetime.date,
    period_end: datetime.date,
    statuses: list[str],
    border: str,
    fields: list[str],
    quasi_identifiers: list[str] | None = None,
    k: int | None = DEFAULT_K,
    epsilon: float | None = None,
    delta: float | None = None,
    acting_user,
    organisation=None,
    request=None,
) -> Release:
    """Check the request, record the release and start preparing its files."""
    quasi_identifiers = quasi_identifiers or [f for f in F.DEFAULT_QUASI_IDENTIFIERS if f in fields]
    persons = _check(
        method=method,
        fields=fields,
        quasi_identifiers=quasi_identifiers,
        k=k,
        epsilon=epsilon,
        start=period_start,
        end=period_end,
        statuses=statuses,
        border=border,
    )
    parameters: dict = {"persons": persons}
    if method == Release.Method.KANON:
        parameters |= {"k": k, "max_suppressed": 0.05}
    else:
        parameters |= {"epsilon": epsilon, "delta": delta, "reporting_length": 3}
    release = Release(
        title=title.strip(),
        version=Release.objects.filter(title=title.strip()).count() + 1,
        period_start=period_start,
        period_end=period_end,
        statuses=statuses,
        border=border,
        fields=fields,
        quasi_identifiers=quasi_identifiers if method == Release.Method.KANON else [],
        method=method,
        parameters=parameters,
        prepared_by=acting_user,
    )
    if method == Release.Method.SYNTHETIC:
        year = period_end.year
        key = release.population_key
        assert epsilon is not None
        if budget_spent(key, year) + epsilon > yearly_budget():
            raise ValidationError(
                {
                    "epsilon": [
                        _(
                            "This release would exceed the yearly privacy budget of this "
                            "population (ε %(budget)s; %(spent)s already spent in %(year)s)."
                        )
                        % {
                            "budget": yearly_budget(),
                            "spent": budget_spent(key, year),
                            "year": year,
                        }
                    ]
                }
            )
    release.save()
    if method == Release.Method.SYNTHETIC:
        BudgetSpend.objects.create(
            population=release.population_key,
            year=period_end.year,
            epsilon=float(epsilon or 0),
            release=release,
        )
    release.job = jobs.start(
        "publish_release",
        user=acting_user,
        organisation=organisation,
        title=str(_("Release: %(title)s") % {"title": release.title}),
        release_id=release.pk,
    )
    release.save(update_fields=["job"])
    record(
        Action.CREATE,
        actor=acting_user,
        obj=release,
        organisation=organisation,
        fields=["fields", "method", "parameters"],
        request=request,
    )
    return release


@transaction.atomic
def do_approve_release(release: Release, *, acting_user, request=None) -> Release:
    """Approve a prepared release; the person who prepared it may not."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.prepared_by_id == acting_user.pk:
        raise ValidationError(
            _("A release is approved by a second person, not by the one who prepared it.")
        )
    if release.state != Release.State.PREPARED:
        raise ValidationError(_("Only a prepared release can be approved."))
    release.state = Release.State.APPROVED
    release.approved_by = acting_user
    release.approved_at = timezone.now()
    release.save(update_fields=["state", "approved_by", "approved_at"])
    record(Action.STATUS_CHANGE, actor=acting_user, obj=release, detail="approved", request=request)
    return release
