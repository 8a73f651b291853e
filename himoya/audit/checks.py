"""System checks for the audit key (registered in AuditConfig.ready)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from himoya.audit import keys


@checks.register(checks.Tags.security)
def check_audit_key_parses(app_configs=None, **kwargs):
    """Refuse to start with an audit key that cannot be read, not at the first event."""
    try:
        keys._master(settings.AUDIT_KEY)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="himoya.E040")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_audit_key_for_production(app_configs=None, **kwargs):
    """The public development audit key would let anyone recompute the chain."""
    published = {
        settings.DEV_AUDIT_KEY.rpartition(":")[2],
        settings.DEV_FIELD_KEY.rpartition(":")[2],
    }
    mine = settings.AUDIT_KEY.rpartition(":")[2]
    errors = []
    if mine in published:
        errors.append(
            checks.Error(
                "HIMOYA_AUDIT_KEY is a public development key: anyone could recompute the "
                "audit chain and forge its checkpoints.",
                hint="Create one with `himoya new-field-key audit`.",
                id="himoya.E041",
            )
        )
    others = {
        part.strip().rpartition(":")[2]
        for part in f"{settings.FIELD_KEY},{settings.INDEX_KEY}".split(",")
        if part.strip()
    }
    if mine in others:
        errors.append(
            checks.Error(
                "HIMOYA_AUDIT_KEY repeats the field or index key; it must be a key of its own.",
                id="himoya.E042",
            )
        )
    return errors
