from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from himoya.crypto.files import identity_storage


class Job(models.Model):
    """Long work (import, export, report) run in the background, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/", blank=True, storage=identity_storage)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def message_text(self) -> str:
        """Return the message in the reader's language when it is one of Himoya's own."""
        from django.utils.translation import gettext

        return gettext(self.message) if self.message else ""

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class KeyringReport(models.Model):
    """Which field keys a running process can read (key ids only, never a key).

    Web processes report when they start serving and then once a minute; workers at their
    start and with every job heartbeat. `rotate-field-key` refuses to write under a new
    key until every process seen lately reads it.
    """

    process = models.CharField(max_length=200, unique=True)  # host:pid:kind
    key_ids = models.JSONField()
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.process}: {', '.join(self.key_ids)}"
