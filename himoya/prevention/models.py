from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PreventionContact(models.Model):
    """Help given to a person at risk before anything happened: a prevented case."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="prevention_contacts",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contacted_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    screening = models.OneToOneField(
        "screening.Screening",
        verbose_name=_("screening"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prevention_contact",
    )
    region = models.CharField(_("region"), max_length=10, blank=True)
    actions = models.JSONField(_("help given"), default=list)
    referred_to = models.CharField(
        _("referred to"),
        max_length=200,
        blank=True,
        help_text=_("Name of the migrant resource centre or service, if any."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("No names or contact details here."))
    counted_as_prevented = models.BooleanField(
        _("count as a prevented case"),
        default=True,
        help_text=_("The person was at risk and the help given stopped or lowered the risk."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("prevention contact")
        verbose_name_plural = _("prevention contacts")

    def __str__(self) -> str:
        return f"prevention contact #{self.pk}"


# --- the national action plan and its progress --------------------------------------


class ActionPlan(models.Model):
    """A plan of the mechanism's own work: goals → objectives → activities, versioned."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National action plan")
        ORGANISATION = "organisation", _("Organisation's plan")
        DONOR = "donor", _("Donor or partner plan")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NATIONAL)
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("managed by"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_year", "title", "-version"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class Goal(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("goal"), max_length=500)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="goal_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Objective(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("objective"), max_length=500)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "number"], name="objective_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.goal.number}.{self.number}. {self.title}"


class Activity(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="activities")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("activity"), max_length=500)
    responsible = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="plan_activities",
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="partner_activities",
    )
    starts_on = models.DateField(_("start"))
    due_on = models.DateField(_("due"))
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["objective", "number"], name="activity_number_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def code(self) -> str:
        return f"{self.objective.goal.number}.{self.objective.number}.{self.number}"


class PlanIndicator(models.Model):
    """How an activity's result is measured: baseline, yearly targets, unit."""

    class Unit(models.TextChoices):
        PERSONS = "persons", _("persons")
        EVENTS = "events", _("events")
        DOCUMENTS = "documents", _("documents")
        PERCENT = "percent", _("per cent")
        MONEY = "money", _("amount of money")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    targets = models.JSONField(_("targets by year"), default=dict, blank=True)
    engine_key = models.CharField(
        _("counted by Himoya"),
        max_length=40,
        blank=True,
        help_text=_("Filled from the statistics for the reporting organisation and quarter."),
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PlanComment(models.Model):
    """A working-group member's comment on a draft plan."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="comments")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment #{self.pk}"


class ClosedQuarter(models.Model):
    """A quarter whose reports the coordinator has closed: no more reports for it."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="closed_quarters")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "quarter"], name="closed_quarter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"


class ProgressReport(models.Model):
    """What the responsible organisation did on one activity in one quarter."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        DELAYED = "delayed", _("Delayed")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="reports")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="plan_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    progress = models.CharField(_("status"), max_length=12, choices=Progress.choices)
    done = models.TextField(_("what was done"), blank=True)
    spent = models.DecimalField(
        _("money spent"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(
        _("report"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    returned_because = models.TextField(_("returned because"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "quarter", "activity_id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "year", "quarter"], name="progress_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"progress report #{self.pk}"


class IndicatorValue(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(PlanIndicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    from_statistics = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"
