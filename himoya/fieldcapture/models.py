"""Field capture with ODK Collect: field users, published forms, received submissions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.crypto.fields import EncryptedTextField


class FieldUser(models.Model):
    """A phone's account: bound to one organisation and role, revocable by its admin.

    The account signs in over OpenRosa (HTTP Basic over TLS) with a random secret that is
    shown once, in the settings QR code, and stored only as a SHA-256 hash.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="field_users",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_user"
    )
    label = models.CharField(
        _("name of the phone or team"),
        max_length=100,
        help_text=_("E.g. 'Panj border post, team 2'. Not a person's name."),
    )
    language = models.CharField(_("language"), max_length=8, default="tg")
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(
        pgettext_lazy("a phone's account", "revoked"), null=True, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation_id", "label"]
        verbose_name = _("field user")
        verbose_name_plural = _("field users")

    def __str__(self) -> str:
        return self.label

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def username(self) -> str:
        return self.user.get_username()

    @property
    def role(self) -> str:
        m = self.user.memberships.filter(organisation=self.organisation_id).first()
        return m.role if m else ""


class PublishedForm(models.Model):
    """A form Himoya publishes to ODK Collect; each change is a new FormVersion."""

    class Kind(models.TextChoices):
        SCREENING = "screening", _("Screening checklist")
        HOTLINE = "hotline", _("Hotline intake")
        REGISTRATION = "registration", _("Registration")

    form_id = models.SlugField(_("form id"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    checklist = models.ForeignKey(
        "screening.Checklist", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_open = models.BooleanField(
        _("open for submissions"),
        default=True,
        help_text=_("A closed form is no longer listed; what still arrives waits for review."),
    )

    class Meta:
        ordering = ["form_id"]
        verbose_name = _("published form")
        verbose_name_plural = _("published forms")

    def __str__(self) -> str:
        return self.form_id

    def current_version(self):
        return self.versions.order_by("-created_at", "-pk").first()


class FormVersion(models.Model):
    """One published XForm, with the RSA key pair its submissions are encrypted to."""

    form = models.ForeignKey(PublishedForm, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=40)
    # What the XForm was built from: a new source means a new version.
    source = models.CharField(max_length=64)
    checklist_version = models.ForeignKey(
        "screening.ChecklistVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    xform = models.TextField()
    md5 = models.CharField(max_length=32)
    public_key = models.TextField(help_text="base64 DER SubjectPublicKeyInfo, as in the XForm")
    private_key = EncryptedTextField(_("private key"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["form_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="unique_form_version")
        ]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")

    def __str__(self) -> str:
        return f"{self.form.form_id} {self.version}"


class Submission(models.Model):
    """One submission as received from a phone, kept encrypted as it arrived."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for its remaining files")
        RECORDED = "recorded", _("Recorded")
        REVIEW = "review", _("Waiting for review")

    class Reason(models.TextChoices):
        NONE = "", "—"
        REVOKED = "revoked", _("The phone's account was revoked before this arrived.")
        ORGANISATION = "organisation", _("The organisation is unknown or no longer active.")
        CLOSED = "closed", _("The form was closed before this arrived.")
        NO_RIGHT = "no_right", _("The phone's role may not make this record.")
        INVALID = "invalid", _("The answers could not become a record.")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="field_submissions",
    )
    field_user = models.ForeignKey(
        FieldUser, verbose_name=_("field user"), on_delete=models.PROTECT, related_name="+"
    )
    form_version = models.ForeignKey(
        FormVersion, verbose_name=_("form version"), on_delete=models.PROTECT, related_name="+"
    )
    instance_id = models.CharField(max_length=100)
    manifest = models.TextField(help_text="the submission manifest (no answers in it)")
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    detail = models.TextField(_("details"), blank=True)
    screening = models.ForeignKey(
        "screening.Screening", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hotline_contact = models.ForeignKey(
        "hotline.HotlineContact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "instance_id"], name="unique_submission_instance"
            )
        ]
        verbose_name = _("field submission")
        verbose_name_plural = _("field submissions")

    def __str__(self) -> str:
        return f"submission #{self.pk}"


class SubmissionFile(models.Model):
    """One encrypted part of a submission (the XML or an attachment), as the phone sent it.

    The bytes are AES-256 ciphertext under a key that only the form version's private key
    (itself encrypted under the field key) unwraps.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="unique_submission_file")
        ]

    def __str__(self) -> str:
        return self.name
