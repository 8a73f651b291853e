from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedRecord(models.Model):
    """Where an imported case came from: the stable key of its source row.

    The key makes re-imports idempotent: CTDC and HTCDS rows are keyed by the file's
    content hash and the row number (never by the row's content: k-anonymised rows of
    different people are often identical); XLSForm submissions by their instance id.
    """

    class Format(models.TextChoices):
        HTCDS = "htcds", _("HTCDS spreadsheet")
        CTDC = "ctdc", _("CTDC global data")
        XLSFORM = "xlsform", _("HTCDS XLSForm submissions")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="imported_from"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source_key = models.CharField(_("source key"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # The year the source gives for the registration; null when the source has none
    # (the case's registration date is then the day of import).
    registration_year = models.PositiveSmallIntegerField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_key"], name="interop_unique_source_key"
            )
        ]

    def __str__(self) -> str:
        return self.source_key
