"""Support plans, services delivered, risk assessments with safety plans, and follow-ups."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.crypto.fields import EncryptedTextField
from himoya.vocab import registry


class SupportPlan(models.Model):
    """The person's plan: goals, needs, and the reflection and recovery period."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="support_plan")
    goals = models.TextField(_("goals"), blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    reflection_starts_on = models.DateField(
        _("reflection and recovery period starts"), null=True, blank=True
    )
    reflection_ends_on = models.DateField(
        _("reflection and recovery period ends"), null=True, blank=True
    )
    closed_on = models.DateField(_("plan closed on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self) -> str:
        return f"plan of case {self.case_id}"

    @property
    def organisation(self):
        return self.case.organisation

    def need_labels(self) -> list[str]:
        return [registry.label("assistance_service", n) for n in self.needs]

    def in_reflection_period(self, day=None) -> bool:
        day = day or timezone.localdate()
        if not self.reflection_starts_on:
            return False
        return self.reflection_starts_on <= day and (
            self.reflection_ends_on is None or day <= self.reflection_ends_on
        )


class ServiceDelivery(models.Model):
    """A service a person received: what, from whom, when, at what cost, with what result."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="services_delivered"
    )
    service = models.CharField(_("service"), max_length=32)
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="services_delivered",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("through referral"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services_delivered",
    )
    started_on = models.DateField(pgettext_lazy("date range", "from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    cost_somoni = models.DecimalField(
        _("cost (somoni)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=16, default="ongoing")
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")

    def __str__(self) -> str:
        return f"{self.service} for case {self.case_id}"

    @property
    def organisation(self):
        return self.provider

    @property
    def service_label(self) -> str:
        return registry.label("assistance_service", self.service)

    @property
    def outcome_label(self) -> str:
        return registry.label("service_outcome", self.outcome)


class RiskAssessment(models.Model):
    """A risk assessment and safety plan, made again at each contact."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="risk_assessments"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("date of the contact"))
    level = models.CharField(_("risk level"), max_length=8)
    risks = EncryptedTextField(_("risks found"))
    safety_plan = EncryptedTextField(_("safety plan"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"risk {self.level} on {self.assessed_on}"

    @property
    def level_label(self) -> str:
        return registry.label("risk_level", self.level)


class FollowUp(models.Model):
    """A check on the person some months after the case closed."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    months_after_closure = models.PositiveSmallIntegerField(_("months after closure"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        blank=True,
    )
    re_victimised = models.BooleanField(_("trafficked again"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "months_after_closure"], name="unique_follow_up_per_interval"
            )
        ]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"follow-up {self.months_after_closure} m of case {self.case_id}"

    @property
    def organisation(self):
        return self.case.organisation

    @property
    def outcome_label(self) -> str:
        return registry.label("followup_outcome", self.outcome) if self.outcome else ""

    def is_overdue(self, day=None) -> bool:
        return self.done_on is None and self.due_on < (day or timezone.localdate())
