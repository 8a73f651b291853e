from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.crypto.fields import EncryptedCharField, EncryptedTextField


class HotlineContact(models.Model):
    """One call or message to the hotline; who called is optional and encrypted."""

    IDENTITY_FIELDS = ("caller_name", "caller_phone", "notes")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="hotline_contacts",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    channel = models.CharField(_("channel"), max_length=20)
    caller_type = models.CharField(_("caller"), max_length=20)
    language = models.CharField(_("language"), max_length=10)
    topic = models.CharField(_("topic"), max_length=30)
    region = models.CharField(_("region"), max_length=10, blank=True)
    urgency = models.CharField(_("urgency"), max_length=12, default="routine")
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    caller_name = EncryptedCharField(_("caller's name"))
    caller_phone = EncryptedCharField(_("caller's phone or account"))
    notes = EncryptedTextField(_("notes"))
    screening = models.ForeignKey(
        "screening.Screening",
        verbose_name=_("screening"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotline_contacts",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotline_contacts",
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("hotline contact")
        verbose_name_plural = _("hotline contacts")

    def __str__(self) -> str:
        return f"hotline contact #{self.pk}"

    @property
    def has_identity(self) -> bool:
        return bool(self.caller_name or self.caller_phone)
