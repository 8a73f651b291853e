"""Links, not merges: one national identity for persons registered by several bodies.

Each organisation keeps its own person and case and sees nothing new; the link only tells
the statistics that these records are one person.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonLink(models.Model):
    """A person record's membership of a national identity (the group's smallest id)."""

    national_id = models.BigIntegerField(_("national identity"), db_index=True)
    person = models.OneToOneField(
        "cases.Person", on_delete=models.CASCADE, related_name="national_link"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person link")
        verbose_name_plural = _("person links")

    def __str__(self) -> str:
        return f"national person {self.national_id}"


class PairDecision(models.Model):
    """A linkage officer's verdict on one candidate pair (the smaller person id first)."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    first = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    # A keyed hash of the compared fields: a rejected pair returns only if a record changes.
    fingerprint = models.CharField(max_length=64)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        verbose_name = _("pair decision")
        verbose_name_plural = _("pair decisions")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="linkage_pair_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="linkage_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}/{self.second_id}: {self.decision}"


class PossibleDuplicate(models.Model):
    """A record that registration found alike to another record of the same organisation.

    Only pairs inside one organisation are stored here, for its own caseworkers to see; a
    likely match in another organisation goes to the national linkage queue only. Nothing
    is ever linked or merged from here.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DISMISSED = "dismissed", _("dismissed")

    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="possible_duplicates"
    )
    other = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="linkage_duplicate_once"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("other")), name="linkage_duplicate_two"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}~{self.other_id}: {self.status}"


class LinkageModel(models.Model):
    """One trained version of the probabilistic linkage model and its thresholds."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Splink's settings with the trained m and u parameters (no name, no record in it).
    settings = models.JSONField()
    upper_threshold = models.FloatField(_("automatic link threshold"), default=0.8)
    review_threshold = models.FloatField(_("review threshold"), default=0.3)
    record_count = models.PositiveIntegerField(_("records trained on"), default=0)
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("linkage model")
        verbose_name_plural = _("linkage models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="linkage_one_active_model"
            ),
        ]

    def __str__(self) -> str:
        return f"linkage model v{self.version}"

    @classmethod
    def current(cls) -> "LinkageModel | None":
        return cls.objects.filter(active=True).first()


class CandidatePair(models.Model):
    """A pair the model scored in the uncertain band: for the linkage officer to decide."""

    first = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    model = models.ForeignKey(LinkageModel, on_delete=models.CASCADE, related_name="pairs")
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        ordering = ["-probability"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="linkage_candidate_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="linkage_candidate_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}/{self.second_id}: {self.probability:.2f}"
