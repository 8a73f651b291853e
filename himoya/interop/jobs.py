"""Imports and exports run as background jobs (himoya.core.jobs) with progress.

Uploads and exports hold identities: they are kept only encrypted (himoya.crypto.files).
A library that needs a plain file on disk gets one in the private directory (0700 folder,
0600 file) for the length of the job; it is deleted when the job ends, and the worker
deletes what a crash left behind when it starts (himoya.core.jobs.on_worker_start).
"""

import csv
import logging
import os
import shutil
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.urls import reverse
from django.utils import translation
from django.utils.text import get_valid_filename

from himoya.access import policy, roles
from himoya.core.jobs import job
from himoya.crypto import files
from himoya.interop import actions, results, tabular
from himoya.organisations.models import Organisation

log = logging.getLogger(__name__)

IMPORT_JOB = "interop.import"
EXPORT_JOB = "interop.export"


def upload_dir() -> Path:
    return files.private_dir("imports")


def keep_upload(upload) -> str:
    """Store an uploaded file, encrypted, until its import job has read it; return its path."""
    folder = upload_dir() / uuid.uuid4().hex
    files.make_private(folder)
    path = folder / get_valid_filename(Path(upload.name).name or "upload")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "wb") as fh:
        writer = files.EncryptingWriter(fh)
        for chunk in upload.chunks():
            writer.write(chunk)
        writer.close()
    return str(path)


def _plain_copy(path: Path, folder: Path) -> Path:
    """Decrypt an upload into a private file beside it, under the same name."""
    plain = folder / "plain"
    files.make_private(plain)
    target = plain / path.name
    files.decrypt_to(path, target)
    return target


@job(IMPORT_JOB)
def run_import(job_row, progress, *, path, fmt, dry_run=False, skip_invalid=False):
    """Import an uploaded file, then delete it (it may hold identities)."""
    try:
        org = Organisation.objects.get(pk=job_row.organisation_id)
        if not policy.has_perm(job_row.user, roles.IMPORT_DATA, org):
            raise PermissionDenied
        with translation.override(job_row.user.language or settings.LANGUAGE_CODE):
            plain = _plain_copy(Path(path), Path(path).parent)
            try:
                result = actions.do_import(
                    org,
                    plain,
                    fmt,
                    acting_user=job_row.user,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    progress=lambda done, total=None: progress(done, total, f"{done}"),
                )
            except results.FileLayoutError:
                result = {"layout_error": fmt, "errors": [], "imported": False}
            except tabular.NotDataError as exc:
                result = {"not_data": str(exc), "errors": [], "imported": False}
            except UnicodeDecodeError:
                result = {"not_data": tabular.encoding_message(), "errors": [], "imported": False}
            except results.ForeignDataError as exc:
                result = {
                    "foreign_data": {"concerning": exc.concerning, "rows": exc.rows},
                    "errors": [],
                    "imported": False,
                }
            except tabular.UnsafeFileError:
                raise  # the job fails with the message that names the unpacked size
            except (ValueError, KeyError, IndexError, OSError, csv.Error, zipfile.BadZipFile):
                # The reader choked on the file (a spreadsheet damaged in a way the first
                # bytes do not show): nothing was written; say so, not the library's words.
                log.exception("import job %s could not read its file", job_row.pk)
                result = {
                    "not_data": tabular.not_data_message("unreadable"),
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
    folder = files.private_dir("tmp") / f"export-{uuid.uuid4().hex}"
    files.make_private(folder)
    path = folder / f"{org.slug}-{fmt}.{file_kind}"
    try:
        count = actions.do_export(org, fmt, path, acting_user=job_row.user)
        with open(path, "rb") as fh:
            job_row.result_file.save(path.name, File(fh), save=False)
        type(job_row).objects.filter(pk=job_row.pk).update(result_file=job_row.result_file.name)
        progress(count, count)
        with_identity = fmt != "ctdc" and policy.has_perm(job_row.user, roles.VIEW_IDENTITY, org)
        return {"count": count, "with_identity": with_identity}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
