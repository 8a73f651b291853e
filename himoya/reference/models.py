"""Global and foreign data sets, kept apart from the register: never cases, never counted
in national or organisation figures, only shown beside them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dataset(models.Model):
    class Kind(models.TextChoices):
        CTDC = "ctdc", _("CTDC data set (victim records)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300)
    source_date = models.DateField(_("date of the data set"), null=True, blank=True)
    counting_unit = models.CharField(_("counting unit"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    records = models.PositiveIntegerField(_("records"), default=0)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("reference data set")
        verbose_name_plural = _("reference data sets")
        constraints = [models.UniqueConstraint(fields=["file_sha256"], name="reference_file_once")]

    def __str__(self) -> str:
        return self.name


class Record(models.Model):
    """One victim record of a reference data set (the columns the comparisons read)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    year = models.SmallIntegerField(null=True)
    gender = models.CharField(max_length=20, blank=True)
    age_broad = models.CharField(max_length=10, blank=True)
    citizenship = models.CharField(max_length=2, blank=True)
    country_of_exploitation = models.CharField(max_length=2, blank=True)
    forced_labour = models.BooleanField(null=True)
    sexual_exploitation = models.BooleanField(null=True)
    other_exploitation = models.BooleanField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["dataset", "citizenship", "year"], name="reference_cit_idx")
        ]

    def __str__(self) -> str:
        return f"reference record #{self.pk}"
