from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedRecord(models.Model):
    """An imported CTDC row whose registration year the source leaves empty.

    A case needs a registration date; such a case gets the day of import, and this row
    says that the source had no year, so statistics and exports can tell. The row's
    stable key itself is the case's `source_key` (see actions.py).
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="imported_from"
    )
    # Always null for now: the source gave no year.
    registration_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")

    def __str__(self) -> str:
        return f"imported case {self.case_id}"
