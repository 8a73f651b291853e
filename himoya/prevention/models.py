from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.crypto.fields import EncryptedCharField
from himoya.crypto.files import identity_storage


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
        CLOSED = "closed", pgettext_lazy("plan", "Closed")

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National action plan")
        ORGANISATION = "organisation", _("Organisation's plan")
        DONOR = "donor", _("Donor or partner plan")

    title = models.CharField(
        pgettext_lazy("name of a plan, meeting or course", "title"), max_length=300
    )
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
        pgettext_lazy("progress", "status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
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
        PERSONS = "persons", pgettext_lazy("unit of an indicator", "persons")
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


class ReportReminder(models.Model):
    """The coordinator's reminder to an organisation that its quarterly report is due."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"reminder {self.year}-Q{self.quarter}"


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
        ACCEPTED = "accepted", pgettext_lazy("report", "Accepted")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="reports")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="plan_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    progress = models.CharField(
        pgettext_lazy("progress", "status"), max_length=12, choices=Progress.choices
    )
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


class Evidence(models.Model):
    """A document or photograph that shows what a report says; stored encrypted."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="plan-evidence/%Y/", storage=identity_storage)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"evidence #{self.pk}"


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


# --- coordination meetings ----------------------------------------------------------


class Meeting(models.Model):
    """A meeting of a coordination body: agenda, who came, minutes, decisions, tasks."""

    class Body(models.TextChoices):
        DIALOGUE = "dialogue", _("High-level dialogue")
        WORKING_GROUP = "working_group", _("Working group on the action plan")
        DISTRICT = "district", _("District coordination group")
        OTHER = "other", _("Other coordination meeting")

    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    title = models.CharField(
        pgettext_lazy("name of a plan, meeting or course", "title"), max_length=300
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    convened_by = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("convened by"),
        on_delete=models.PROTECT,
        related_name="meetings_convened",
    )
    participants = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("participating organisations"),
        blank=True,
        related_name="meetings_attended",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("decision"))

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"


class ActionItem(models.Model):
    """A task a meeting gave an organisation, followed up at the next meetings."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.TextField(_("task"))
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation responsible"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        pgettext_lazy("progress", "status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
    )
    followed_up_at = models.ForeignKey(
        Meeting,
        verbose_name=_("followed up at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_up_items",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())


# --- training -----------------------------------------------------------------------


class Course(models.Model):
    """A course the mechanism runs, e.g. the Academy's identification course for cadets."""

    class Topic(models.TextChoices):
        IDENTIFICATION = "identification", _("Identification of victims")
        INVESTIGATION = "investigation", _("Investigation and prosecution")
        ASSISTANCE = "assistance", _("Protection and assistance")
        PREVENTION = "prevention", _("Prevention and safe migration")
        OTHER = "other", _("Other")

    title = models.CharField(
        pgettext_lazy("name of a plan, meeting or course", "title"), max_length=300
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    organiser = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), db_index=True)
    region = models.CharField(_("region"), max_length=10, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.course} ({self.starts_on})"


class Participant(models.Model):
    """One person trained; the name is optional and encrypted when kept."""

    class TraineeRole(models.TextChoices):
        POLICE = "police", _("Police officer")
        CADET = "cadet", _("Cadet")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        JUDGE = "judge", _("Judge")
        BORDER = "border", _("Border guard")
        LABOUR = "labour", _("Labour inspector")
        MIGRATION = "migration", _("Migration officer")
        SOCIAL = "social", _("Social worker")
        NGO = "ngo", _("NGO staff")
        TEACHER = "teacher", _("Teacher")
        OTHER = "other", _("Other")

    class AgeGroup(models.TextChoices):
        UNDER_25 = "under_25", _("under 25")
        FROM_25 = "25_39", _("25–39")
        FROM_40 = "40_59", _("40–59")
        FROM_60 = "60_plus", _("60 and over")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="participants"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=12, choices=TraineeRole.choices)
    sex = models.CharField(_("sex"), max_length=10)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    name = EncryptedCharField(_("name"), context="prevention.participant.name")
    pre_score = models.PositiveSmallIntegerField(_("pre-test score"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("post-test score"), null=True, blank=True)
    completed = models.BooleanField(_("completed the course"), default=True)
    certificate = models.CharField(_("certificate number"), max_length=40, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"participant #{self.pk}"


# --- awareness ----------------------------------------------------------------------


class AwarenessEvent(models.Model):
    """A campaign event, broadcast or material, with the people it reached."""

    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum")
        ROUND_TABLE = "round_table", _("Round table")
        SCHOOL = "school", _("School or university session")
        RADIO = "radio", _("Radio")
        TV = "tv", _("Television")
        POSTER = "poster", _("Posters")
        LEAFLET = "leaflet", _("Leaflets")
        SOCIAL = "social", _("Social media")
        OTHER = "other", _("Other")

    class TargetGroup(models.TextChoices):
        MIGRANTS = "labour_migrants", _("Labour migrants")
        RETURNING = "returning_migrants", _("Returning migrants")
        STUDENTS = "students", _("Students and pupils")
        FAMILIES = "families", _("Families of migrants")
        PUBLIC = "public", _("General public")
        OFFICIALS = "officials", _("Officials")

    class Basis(models.TextChoices):
        COUNTED = "counted", _("counted")
        ESTIMATED = "estimated", _("estimated")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="awareness_events",
    )
    campaign = models.CharField(_("campaign"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    held_on = models.DateField(_("date"), db_index=True)
    region = models.CharField(_("region"), max_length=10, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list)
    materials_produced = models.PositiveIntegerField(_("materials produced"), default=0)
    materials_distributed = models.PositiveIntegerField(_("materials distributed"), default=0)
    reached_women = models.PositiveIntegerField(_("women reached"), default=0)
    reached_men = models.PositiveIntegerField(_("men reached"), default=0)
    reached_girls = models.PositiveIntegerField(_("girls reached"), default=0)
    reached_boys = models.PositiveIntegerField(_("boys reached"), default=0)
    basis = models.CharField(_("people reached are"), max_length=10, choices=Basis.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("awareness event")
        verbose_name_plural = _("awareness events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def reached(self) -> int:
        return self.reached_women + self.reached_men + self.reached_girls + self.reached_boys


class AwarenessReach(models.Model):
    """People an event reached in one group (women, men, girls, boys): what the statistics
    engine adds up (kept in step with the event's own four figures)."""

    class Group(models.TextChoices):
        WOMEN = "woman", _("Women")
        MEN = "man", _("Men")
        GIRLS = "girl", _("Girls")
        BOYS = "boy", _("Boys")

    event = models.ForeignKey(AwarenessEvent, on_delete=models.CASCADE, related_name="reach")
    group = models.CharField(max_length=8, choices=Group.choices)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "group"], name="awareness_reach_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.people}"
