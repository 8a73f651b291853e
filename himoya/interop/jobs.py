"""Imports and exports run as background jobs (himoya.core.jobs) with progress."""

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.urls import reverse
from django.utils import translation
from django.utils.text import get_valid_filename

from himoya.access import policy, roles
from himoya.core.jobs import job
from himoya.interop import actions
from himoya.organisations.models import Organisation

IMPORT_JOB = "interop.import"
EXPORT_JOB = "interop.export"


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def keep_upload(upload) -> str:
    """Store an uploaded file until its import job has read it; return its path."""
    folder = upload_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / get_valid_filename(Path(upload.name).name or "upload")
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return str(path)


@job(IMPORT_JOB)
def run_import(job_row, progress, *, path, fmt, dry_run=False, skip_invalid=False):
    """Import an uploaded file, then delete it (it may hold identities)."""
    try:
        org = Organisation.objects.get(pk=job_row.organisation_id)
        if not policy.has_perm(job_row.user, roles.IMPORT_DATA, org):
            raise PermissionDenied
        with translation.override(job_row.user.language or settings.LANGUAGE_CODE):
            try:
                result = actions.do_import(
                    org,
                    Path(path),
                    fmt,
                    acting_user=job_row.user,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    progress=lambda done, total=None: progress(done, total, f"{done}"),
                )
            except actions.FileLayoutError:
                result = {"layout_error": fmt, "errors": [], "imported": False}
            except actions.ForeignDataError as exc:
                result = {
                    "foreign_data": {"concerning": exc.concerning, "rows": exc.rows},
                    "errors": [],
                    "imported": False,
                }
        result["next_url"] = reverse("interop_import_report", args=[job_row.pk])
        return result
    finally:
        folder = Path(path).parent
        if folder.parent == upload_dir():
            shutil.rmtree(folder, ignore_errors=True)


@job(EXPORT_JOB)
def run_export(job_row, progress, *, fmt, file_kind):
    """Write an export file and attach it to the job for download."""
    org = Organisation.objects.get(pk=job_row.organisation_id)
    if not policy.has_perm(job_row.user, roles.EXPORT_DATA, org):
        raise PermissionDenied
    folder = Path(settings.MEDIA_ROOT) / "exports" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{org.slug}-{fmt}.{file_kind}"
    try:
        count = actions.do_export(org, fmt, path, acting_user=job_row.user)
        with open(path, "rb") as fh:
            job_row.result_file.save(path.name, File(fh), save=False)
        type(job_row).objects.filter(pk=job_row.pk).update(result_file=job_row.result_file.name)
        progress(count, count)
        return {"count": count}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
