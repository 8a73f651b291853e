"""Proceedings against traffickers, the people accused, and the victims who take part.

Code lists (articles, stages, outcomes …) live in `himoya/vocab/data/justice.json`; a
system admin extends the list of Criminal Code articles by adding an entry there (with
tg/ru/en labels) and restarting the service.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.crypto.fields import EncryptedCharField, EncryptedDateField
from himoya.crypto.keys import blind_index
from himoya.vocab import registry

CASE_NUMBER_PURPOSE = "justice.case_number"


def case_number_key(number: str) -> str:
    """Return the blind index of a case number, ignoring case and spacing."""
    return blind_index("".join((number or "").split()), CASE_NUMBER_PURPOSE)


class CodeLabel:
    """`obj.<name>_label`: the label of a code field in the active language."""

    def __init__(self, list_name: str, field: str):
        self.list_name = list_name
        self.field = field

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        code = getattr(obj, self.field)
        return registry.label(self.list_name, code) if code else ""


class Stage(models.TextChoices):
    INVESTIGATION = "investigation"
    PROSECUTION = "prosecution"
    TRIAL = "trial"
    VERDICT = "verdict"
    APPEAL = "appeal"


STAGE_ORDER = [s.value for s in Stage]


class Proceeding(models.Model):
    """A criminal, civil or administrative proceeding, owned by the investigating agency."""

    kind_label = CodeLabel("jus_ProceedingKind", "kind")
    stage_label = CodeLabel("jus_Stage", "stage")
    outcome_label = CodeLabel("jus_Outcome", "outcome")
    reclassified_to_label = CodeLabel("jus_CriminalCodeArticle", "reclassified_to")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("investigating agency"),
        on_delete=models.PROTECT,
        related_name="proceedings",
    )
    kind = models.CharField(_("kind"), max_length=20)
    case_number = EncryptedCharField(_("case number"))
    case_number_index = models.CharField(max_length=64, blank=True, db_index=True)
    court = models.CharField(_("court"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=20)
    opened_on = models.DateField(_("opened on"))
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    reclassified_to = models.CharField(
        _("reclassified to article"),
        max_length=20,
        blank=True,
    )
    compensation_ordered = models.DecimalField(
        _("compensation ordered (somoni)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_paid = models.DecimalField(
        _("compensation paid (somoni)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")

    def __str__(self) -> str:
        return f"#{self.pk} {registry.label('jus_ProceedingKind', self.kind)}"

    def save(self, *args, **kwargs):
        self.refresh_blind_indexes()
        if kwargs.get("update_fields") and "case_number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "case_number_index"}
        super().save(*args, **kwargs)

    def refresh_blind_indexes(self) -> list[str]:
        """Recompute the case number's blind index (called on save and by key rotation)."""
        self.case_number_index = case_number_key(self.case_number)
        return ["case_number_index"]

    @property
    def article_codes(self) -> list[str]:
        return [a.article for a in self.articles.all()]

    def stage_date(self, stage: str):
        change = next((c for c in self.stage_changes.all() if c.stage == stage), None)
        return change.on if change else None


class ProceedingArticle(models.Model):
    """One Criminal Code article charged in a proceeding (a row, so statistics can group)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="articles")
    article = models.CharField(_("article"), max_length=20)

    class Meta:
        ordering = ["article"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "article"], name="unique_article")
        ]

    def __str__(self) -> str:
        return registry.label("jus_CriminalCodeArticle", self.article)


class StageChange(models.Model):
    """The date a proceeding reached a stage."""

    stage_label = CodeLabel("jus_Stage", "stage")

    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="stage_changes"
    )
    stage = models.CharField(_("stage"), max_length=20)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.stage} {self.on}"


class Hearing(models.Model):
    """A hearing or a deadline in a proceeding."""

    kind_label = CodeLabel("jus_HearingKind", "kind")

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(_("kind"), max_length=20)
    on = models.DateField(_("date"))
    at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class Perpetrator(models.Model):
    """A suspected or accused trafficker (HTCDS perpetrator fields); identity encrypted."""

    sex_label = CodeLabel("sex", "sex")
    age_group_label = CodeLabel("age_group", "age_group")
    citizenship_label = CodeLabel("country", "citizenship")
    role_label = CodeLabel("per_RoleInProcess", "role")
    relationship_label = CodeLabel("vic_RelationshipToTrafficker", "relationship_to_victim")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("recorded by organisation"),
        on_delete=models.PROTECT,
        related_name="perpetrators",
    )
    full_name = EncryptedCharField(_("full name"))
    birth_date = EncryptedDateField(_("date of birth"))
    identity_document = EncryptedCharField(_("identity document"))
    sex = models.CharField(_("sex"), max_length=32)
    age_group = models.CharField(_("age group"), max_length=20)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    role = models.CharField(_("role"), max_length=40)
    relationship_to_victim = models.CharField(
        _("relationship to the victim"),
        max_length=20,
        blank=True,
    )
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("victims' cases"), related_name="perpetrators", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("perpetrator")
        verbose_name_plural = _("perpetrators")

    def __str__(self) -> str:
        return _("Perpetrator #%(id)s") % {"id": self.pk}

    @property
    def role_group(self) -> str:
        for code in registry.codelist("jus_RoleGroup"):
            if self.role in code.extra.get("htcds", []):
                return code.code
        return "other"


class Defendant(models.Model):
    """A perpetrator in one proceeding: status there and, once convicted, the sentence."""

    status_label = CodeLabel("jus_PerpetratorStatus", "status")

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="defendants")
    perpetrator = models.ForeignKey(
        Perpetrator, on_delete=models.PROTECT, related_name="defendants"
    )
    status = models.CharField(_("status"), max_length=20)
    prison_months = models.PositiveIntegerField(_("prison term (months)"), null=True, blank=True)
    suspended = models.BooleanField(_("suspended"), default=False)
    fine_somoni = models.DecimalField(
        _("fine (somoni)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amnesty = models.BooleanField(_("released under amnesty"), default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "perpetrator"], name="unique_defendant")
        ]

    def __str__(self) -> str:
        return f"{self.perpetrator} ({self.status})"

    @property
    def has_sentence(self) -> bool:
        return bool(self.prison_months or self.fine_somoni or self.amnesty)

    def sentence_types(self) -> list[str]:
        types = []
        if self.prison_months:
            types.append("suspended" if self.suspended else "prison")
        if self.fine_somoni:
            types.append("fine")
        if self.amnesty:
            types.append("amnesty")
        return types


class VictimParticipation(models.Model):
    """A victim (their case) taking part in a proceeding, and how they are protected."""

    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="participations"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="participations")
    roles = models.JSONField(_("takes part as"), default=list)
    protection_measures = models.JSONField(_("protection measures"), default=list, blank=True)
    joined_on = models.DateField(_("since"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "case"], name="unique_participation")
        ]

    def __str__(self) -> str:
        return f"{self.proceeding_id}/{self.case_id}"

    def role_labels(self) -> list[str]:
        return [registry.label("jus_VictimParticipation", c) for c in self.roles]

    def measure_labels(self) -> list[str]:
        return [registry.label("jus_ProtectionMeasure", c) for c in self.protection_measures]


class LegalRepresentation(models.Model):
    """A lawyer of an organisation representing a victim, from one date to another."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="representations")
    proceeding = models.ForeignKey(
        Proceeding,
        on_delete=models.CASCADE,
        related_name="representations",
        null=True,
        blank=True,
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lawyer"),
        on_delete=models.PROTECT,
        related_name="representations",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="representations",
    )
    starts_on = models.DateField(pgettext_lazy("date range", "from"))
    ends_on = models.DateField(pgettext_lazy("date range", "to"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.lawyer} → {self.case_id}"


class VictimNotification(models.Model):
    """What a victim was told, and when."""

    topic_label = CodeLabel("jus_NotificationTopic", "topic")

    participation = models.ForeignKey(
        VictimParticipation, on_delete=models.CASCADE, related_name="notifications"
    )
    told_on = models.DateField(_("told on"))
    topic = models.CharField(_("topic"), max_length=20)
    note = models.CharField(_("what was said"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-told_on", "-id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.told_on}"
