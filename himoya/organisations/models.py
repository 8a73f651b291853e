from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from himoya.access.roles import Role


class User(AbstractUser):
    """A person who signs in: a caseworker, lawyer, coordinator …"""

    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an admin chose the password; cleared when the person changes it."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        SHELTER = "shelter", _("Shelter")
        LEGAL_AID = "legal_aid", _("Legal aid")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        MINISTRY = "ministry", _("Ministry")
        INTERNATIONAL = "international", _("International organisation")

    slug = models.SlugField(_("short name"), unique=True, max_length=40)
    name_tg = models.CharField(_("name in Tajik"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    regions = models.JSONField(_("regions served"), default=list, blank=True)
    districts = models.JSONField(_("districts served"), default=list, blank=True)
    is_national = models.BooleanField(
        _("national body"),
        default=False,
        help_text=_("The national coordination secretariat; its auditors see every event."),
    )
    requires_status_approval = models.BooleanField(
        _("status decisions need a supervisor's approval"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "tg")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_en or self.name_tg

    @property
    def region_labels(self) -> list[str]:
        """Names of the regions served, in the active language."""
        from himoya.vocab import registry

        return [registry.label("tj_region", code) for code in self.regions]


class Membership(models.Model):
    """A user's role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]
        ordering = ["organisation__slug", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation.slug} ({self.role})"
