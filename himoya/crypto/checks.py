"""System checks for the field and blind-index keys (registered by the audit app)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from himoya.crypto import keys


@checks.register(checks.Tags.security)
def check_keys_parse(app_configs=None, **kwargs):
    """Refuse to start with keys that cannot be read, not at the first encrypted save."""
    errors = []
    try:
        keys.parse_keys(settings.FIELD_KEY)
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="himoya.E002"))
    try:
        keys._index_key(settings.INDEX_KEY)
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="himoya.E003"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_keys_for_production(app_configs=None, **kwargs):
    """Warn when production runs on the public development keys or one key for both uses."""
    dev = settings.DEV_FIELD_KEY.partition(":")[2]
    warnings = []
    try:
        field_keys = _materials(settings.FIELD_KEY)
    except ImproperlyConfigured:
        return []  # reported by check_keys_parse
    if dev in field_keys or settings.INDEX_KEY.rpartition(":")[2] == dev:
        warnings.append(
            checks.Warning(
                "HIMOYA_FIELD_KEY or HIMOYA_INDEX_KEY is the public development key.",
                hint="Generate keys with `himoya new-field-key ID`.",
                id="himoya.W001",
            )
        )
    if settings.INDEX_KEY.rpartition(":")[2] in field_keys:
        warnings.append(
            checks.Warning(
                "HIMOYA_INDEX_KEY repeats a field key; it should be a key of its own.",
                id="himoya.W002",
            )
        )
    return warnings


def _materials(spec: str) -> list[str]:
    keys.parse_keys(spec)
    return [part.strip().partition(":")[2] for part in spec.split(",") if part.strip()]
