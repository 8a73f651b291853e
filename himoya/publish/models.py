from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Release(models.Model):
    """A publication of micro-data from the register: prepared by one, approved by another."""

    class Method(models.TextChoices):
        KANON = "kanon", _("k-anonymous micro-data")
        SYNTHETIC = "synthetic", _("Differentially private synthetic data")

    class State(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        PREPARED = "prepared", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        FAILED = "failed", _("Failed")

    title = models.CharField(
        pgettext_lazy("name of a plan, meeting or course", "title"), max_length=200
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    statuses = models.JSONField(_("trafficking statuses"), default=list)
    border = models.CharField(_("trafficking"), max_length=20, default="all")
    fields = models.JSONField(_("published fields"), default=list)
    quasi_identifiers = models.JSONField(_("quasi-identifiers"), default=list)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREPARING
    )
    measurements = models.JSONField(_("what the release protects"), default=dict, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-prepared_at", "-id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def population_key(self) -> str:
        """What the privacy budget is kept for: the statuses and the border scope."""
        return f"{','.join(sorted(self.statuses)) or 'all'}|{self.border}"


class ReleaseFile(models.Model):
    class Kind(models.TextChoices):
        CSV = "csv", _("Micro-data (CSV)")
        FEATHER = "feather", _("Micro-data (Feather)")
        AGGREGATES = "aggregates", _("DP aggregate counts (CSV)")
        DICTIONARY = "dictionary", _("Data dictionary (CSV, three languages)")
        REPORT_PDF = "report_pdf", _("Disclosure report (PDF)")

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    language = models.CharField(max_length=8, blank=True)
    name = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["kind", "language"]

    def __str__(self) -> str:
        return self.name


class BudgetSpend(models.Model):
    """The privacy budget (ε) one release spent on a population in a year."""

    population = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    epsilon = models.FloatField()
    release = models.OneToOneField(Release, on_delete=models.CASCADE, related_name="spend")

    class Meta:
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return f"{self.population} {self.year}: ε={self.epsilon}"
