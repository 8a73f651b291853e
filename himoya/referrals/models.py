"""Service directory, consent, referrals between organisations and the grants they open."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.crypto.fields import EncryptedCharField
from himoya.crypto.files import identity_storage
from himoya.vocab import registry


class ServiceOffer(models.Model):
    """One service an organisation offers: where, for whom, and when to call."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="service_offers",
    )
    service = models.CharField(_("service"), max_length=32)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    districts = models.JSONField(_("districts"), default=list, blank=True)
    target_groups = models.JSONField(_("for whom"), default=list, blank=True)
    contact_hours = models.CharField(_("contact hours"), max_length=200, blank=True)
    contact_phone = models.CharField(_("organisation's phone"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("offered now"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service", "organisation__slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service"], name="unique_service_offer_per_org"
            )
        ]
        verbose_name = _("service offer")
        verbose_name_plural = _("service offers")

    def __str__(self) -> str:
        return f"{self.organisation.slug}: {self.service}"

    @property
    def service_label(self) -> str:
        return registry.label("assistance_service", self.service)

    def serves(self, region: str | None = None, group: str | None = None) -> bool:
        """Tell whether the offer covers the region and group asked for (blank: any).

        Matched in Python: the directory is small, and JSON containment look-ups are not
        available on SQLite, the demo's database.
        """
        return (not region or region in self.regions) and (not group or group in self.target_groups)

    def region_labels(self) -> list[str]:
        return [registry.label("tj_region", r) for r in self.regions]

    def district_labels(self) -> list[str]:
        if "tj_district" not in registry.names():
            return list(self.districts)
        return [registry.label("tj_district", d) for d in self.districts]

    def target_group_labels(self) -> list[str]:
        return [registry.label("assistance_target_group", g) for g in self.target_groups]


class Consent(models.Model):
    """A person's informed decision for one purpose: given, refused or later withdrawn."""

    class Status(models.TextChoices):
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Method(models.TextChoices):
        SIGNED_FORM = "signed_form", _("Signed form")
        VERBAL = "verbal", _("Verbal, with a witness")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="consents"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("recorded by organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=32)
    recipient_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation named in the consent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    external_recipient = models.CharField(
        _("organisation outside Himoya"), max_length=200, blank=True
    )
    status = models.CharField(_("decision"), max_length=16, choices=Status.choices)
    decided_on = models.DateField(_("date of the decision"))
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    form_file = models.FileField(
        _("signed form"), upload_to="consent-forms/%Y/", blank=True, storage=identity_storage
    )
    witness_name = EncryptedCharField(_("witness"))
    guardian_name = EncryptedCharField(_("guardian (for a child)"))
    guardian_relationship = models.CharField(
        _("guardian's relationship to the child"), max_length=100, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.purpose} {self.status} ({self.decided_on})"

    @property
    def purpose_label(self) -> str:
        return registry.label("consent_purpose", self.purpose)

    @property
    def recipient_label(self) -> str:
        org = self.recipient_organisation
        return org.name if org is not None else self.external_recipient

    def is_valid_for(self, case, to_organisation=None, external_recipient: str = "") -> bool:
        """Tell whether this consent lets `case` be referred to the named recipient."""
        if self.status != self.Status.GIVEN or self.case_id != case.pk:
            return False
        wanted = required_purpose(to_organisation)
        if self.purpose != wanted:
            return False
        if to_organisation is not None:
            if self.recipient_organisation_id is None:
                # Consent to share with law enforcement in general need not name a body.
                return wanted == "law_enforcement" and not self.external_recipient
            return self.recipient_organisation_id == to_organisation.pk
        name = external_recipient.strip().casefold()
        return bool(name) and self.external_recipient.strip().casefold() == name


def required_purpose(to_organisation) -> str:
    """Return the consent purpose a referral to this organisation relies on."""
    from himoya.organisations.models import Organisation

    if to_organisation is not None and to_organisation.kind == Organisation.Kind.LAW_ENFORCEMENT:
        return "law_enforcement"
    return "referral"


class Referral(models.Model):
    """A request from one organisation to another to provide named services to a person."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent, waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        DELIVERED = "delivered", _("Services delivered")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped: consent withdrawn")

    OPEN = (Status.SENT, Status.ACCEPTED, Status.DELIVERED)

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
    )
    external_recipient = models.CharField(
        _("organisation outside Himoya"), max_length=200, blank=True
    )
    external_country = models.CharField(_("its country"), max_length=2, blank=True)
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent used"), on_delete=models.PROTECT, related_name="referrals"
    )
    shared_parts = models.JSONField(_("shared parts of the case"), default=list)
    message = models.TextField(_("message to the receiving organisation"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENT, db_index=True
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    delivered_at = models.DateTimeField(_("services delivered at"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    package = models.BinaryField(_("export package"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"referral #{self.pk}"

    @property
    def organisation(self):
        """The sender owns the referral record (audit rows are filed under it)."""
        return self.from_organisation

    @property
    def is_external(self) -> bool:
        return self.to_organisation_id is None

    @property
    def recipient_label(self) -> str:
        org = self.to_organisation
        return org.name if org is not None else self.external_recipient

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def waiting_hours(self, now=None) -> float:
        """Hours the referral has waited for an answer (until answered)."""
        end = self.answered_at or self.stopped_at or now or timezone.now()
        return (end - self.sent_at).total_seconds() / 3600

    def is_overdue(self, now=None) -> bool:
        return (
            self.status == self.Status.SENT
            and self.waiting_hours(now) > settings.HIMOYA_REFERRAL_OVERDUE_HOURS
        )

    def service_codes(self) -> list[str]:
        return [s.service for s in self.services.all()]

    def service_labels(self) -> list[str]:
        return [registry.label("assistance_service", c) for c in self.service_codes()]

    def shared_part_labels(self) -> list[str]:
        return [registry.label("referral_share_part", p) for p in self.shared_parts]


class ReferralService(models.Model):
    """One service asked for in a referral (a row each, so figures can group by service)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(_("service"), max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "service"], name="unique_referral_service")
        ]

    def __str__(self) -> str:
        return self.service


class ReferralGrant(models.Model):
    """What a receiving organisation may open of a case, for as long as the grant lasts."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="grant")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referral_grants")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="referral_grants"
    )
    parts = models.JSONField(default=list)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    end_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("referral grant")
        verbose_name_plural = _("referral grants")

    def __str__(self) -> str:
        return f"grant #{self.pk} for referral #{self.referral_id}"

    @property
    def is_active(self) -> bool:
        return self.ends_at is None

    def shares(self, part: str) -> bool:
        return self.is_active and part in self.parts
