"""Deployment checks: `himoya check --deploy` fails on what would break production."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_files_collected(app_configs=None, **kwargs):
    """Production serves hashed static files from the manifest: without it every page is 500."""
    if settings.DEBUG:
        return []
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" not in backend:
        return []
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        return []
    return [
        checks.Error(
            f"The static files are not collected: {manifest} is missing, so every page "
            "would fail with HTTP 500.",
            hint="Run `himoya collectstatic --noinput` as part of the installation.",
            id="himoya.E010",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_not_in_development_mode(app_configs=None, **kwargs):
    """Development mode and the public development keys must never reach production."""
    errors = []
    if settings.DEBUG:
        errors.append(
            checks.Error(
                "HIMOYA_DEBUG is on: pages show internal details and the demo can run.",
                hint="Unset HIMOYA_DEBUG in production.",
                id="himoya.E011",
            )
        )
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            checks.Error(
                "The public development secret key is in use.",
                hint="Set HIMOYA_SECRET_KEY to a long random value.",
                id="himoya.E012",
            )
        )
    for name, value in (
        ("HIMOYA_FIELD_KEY", settings.FIELD_KEY),
        ("HIMOYA_INDEX_KEY", settings.INDEX_KEY),
    ):
        if value == settings.DEV_FIELD_KEY:
            errors.append(
                checks.Error(
                    f"{name} is the public development key: identities would be readable.",
                    hint="Create one with `himoya new-field-key`.",
                    id="himoya.E013",
                )
            )
    return errors
