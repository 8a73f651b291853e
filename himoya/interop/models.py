from django.db import models
from django.utils.translation import gettext_lazy as _

from himoya.crypto.fields import EncryptedJSONField


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


class SourceFields(models.Model):
    """What an imported record said that the case has no place for, kept to export again.

    `cells` are CTDC cells or HTCDS values in the clear (flags, codes, organisation names,
    dates); `sealed` holds the HTCDS values that may name or locate a person (address
    parts, free texts, caseworkers' names), encrypted, and is exported only with
    identities. `basis` fingerprints the case as imported: CTDC cells are exported again
    only while the case's own data still give that fingerprint (an edited case exports
    what it now says). Listed in each import's report as "kept as source fields".
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="source_fields"
    )
    format = models.CharField(max_length=16)
    cells = models.JSONField(default=dict, blank=True)
    sealed = EncryptedJSONField(_("identifying source fields"), null=True, blank=True, default=None)
    basis = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("source fields")
        verbose_name_plural = _("source fields")

    def __str__(self) -> str:
        return f"source fields of case {self.case_id}"
