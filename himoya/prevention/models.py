from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
