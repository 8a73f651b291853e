from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from himoya.screening import rule


def _in_language(obj, prefix: str) -> str:
    lang = (get_language() or "tg")[:2]
    return getattr(obj, f"{prefix}_{lang}", "") or getattr(obj, f"{prefix}_en")


class Checklist(models.Model):
    """A named indicator checklist; the national one has no organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklists",
    )
    slug = models.SlugField(_("short name"), max_length=60)
    name_tg = models.CharField(_("name in Tajik"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_checklist_slug")
        ]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def is_national(self) -> bool:
        return self.organisation_id is None

    def current_version(self):
        return self.versions.order_by("-number").first()


class ChecklistVersion(models.Model):
    """One version of a checklist; frozen (read-only) once a screening used it."""

    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    frozen_at = models.DateTimeField(_("first used"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["checklist_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="unique_version_number")
        ]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")

    def __str__(self) -> str:
        return f"{self.checklist} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def is_current(self) -> bool:
        return not self.checklist.versions.filter(number__gt=self.number).exists()


class Indicator(models.Model):
    """One question of a checklist version, with what it means for the rule and HTCDS."""

    version = models.ForeignKey(
        ChecklistVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveIntegerField(_("position"), default=0)
    section = models.CharField(_("section"), max_length=30)
    dimension = models.CharField(
        _("dimension"),
        max_length=20,
        blank=True,
        help_text=_("Leave empty for questions the rule does not count (safety, profile)."),
    )
    strength = models.CharField(_("strength"), max_length=10)
    text_tg = models.CharField(_("question in Tajik"), max_length=400)
    text_ru = models.CharField(_("question in Russian"), max_length=400)
    text_en = models.CharField(_("question in English"), max_length=400)
    ages = models.JSONField(_("ages it applies to"), default=list, blank=True)
    forms = models.JSONField(_("forms of exploitation it applies to"), default=list, blank=True)
    ilo_indicators = models.JSONField(_("ILO forced-labour indicators"), default=list, blank=True)
    methods_of_control = models.JSONField(_("HTCDS methods of control"), default=list, blank=True)
    exploitation_types = models.JSONField(
        _("HTCDS types of exploitation"), default=list, blank=True
    )

    class Meta:
        ordering = ["version_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_indicator_code")
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return _in_language(self, "text")

    def applies_to(self, age_group: str, form: str) -> bool:
        """Tell whether the question is asked of this profile.

        An empty list means "everyone". Profile modules (non-empty `forms`) are asked only
        when that form of exploitation is suspected.
        """
        if self.ages and age_group not in self.ages:
            return False
        return not self.forms or form in self.forms

    def as_rule_item(self) -> rule.Item:
        return rule.Item(self.code, self.dimension, self.strength)

    COPY_FIELDS = (
        "code",
        "position",
        "section",
        "dimension",
        "strength",
        "text_tg",
        "text_ru",
        "text_en",
        "ages",
        "forms",
        "ilo_indicators",
        "methods_of_control",
        "exploitation_types",
    )


class Screening(models.Model):
    """One screening of one person by a responder, with its answers and the decision."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Incomplete")
        COMPLETE = "complete", _("All questions answered")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    checklist_version = models.ForeignKey(
        ChecklistVersion,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    screened_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    region = models.CharField(_("region"), max_length=10)
    district = models.CharField(_("district"), max_length=40, blank=True)
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Where the screening happened, e.g. airport, market, border post."),
    )
    age_group = models.CharField(_("age"), max_length=10)
    suspected_form = models.CharField(
        _("suspected form of exploitation"),
        max_length=20,
        default="unknown",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.INCOMPLETE
    )
    result = models.JSONField(_("result per dimension"), default=dict, blank=True)
    suggested = models.CharField(
        _("suggested classification"),
        max_length=20,
        blank=True,
    )
    decision = models.CharField(
        _("decision"),
        max_length=20,
        blank=True,
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screenings",
    )

    class Meta:
        ordering = ["-screened_at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"screening #{self.pk}"

    @property
    def overridden(self) -> bool:
        return rule.needs_reason(self.suggested, self.decision)

    def indicators(self):
        """Return the checklist version's indicators asked of this person's profile."""
        return [
            i
            for i in self.checklist_version.indicators.all()
            if i.applies_to(self.age_group, self.suspected_form)
        ]

    def answer_map(self) -> dict[str, str]:
        return dict(self.answers.values_list("indicator__code", "value"))


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = rule.YES, _("Yes")
        NO = rule.NO, _("No")
        UNKNOWN = rule.UNKNOWN, _("Don't know")
        DECLINED = rule.DECLINED, _("Declined to answer")

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("answer"), max_length=10, choices=Value.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screening", "indicator"], name="unique_answer")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value}"
