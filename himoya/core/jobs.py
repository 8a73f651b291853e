"""Background jobs: register a function, start it, watch its progress in a page.

Execution goes through Django's task framework (django-tasks); the default backend keeps
the queue in the database, so nothing beyond the database is needed. Run the worker with
`himoya db_worker`: at its start it marks jobs that a crashed worker left running as failed,
deletes their files and every leftover transient file, and bounds its own memory.

A running job writes a heartbeat every HIMOYA_JOB_HEARTBEAT_SECONDS (from a thread, so a
long step in a library still counts as alive); one whose heartbeat is older than
HIMOYA_JOB_DEAD_AFTER_SECONDS is taken for dead wherever its state is looked at.
"""

import datetime
import logging
import os
import resource
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from himoya.core.models import Job
from himoya.crypto import keyring

log = logging.getLogger(__name__)

REGISTRY: dict[str, Callable] = {}


def job(kind: str):
    """Register `fn(job, **params)` as the body of jobs of this kind."""

    def register(fn):
        REGISTRY[kind] = fn
        return fn

    return register


class Progress:
    """Report progress from inside a job, writing at most a few times a second."""

    def __init__(self, job_row: Job, min_interval: float = 0.5):
        self.job = job_row
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if total is not None:
            self.job.total = total
        self.job.done = done
        if message:
            self.job.message = message[:300]
        if now - self._last >= self.min_interval or (total and done >= total):
            self._last = now
            Job.objects.filter(pk=self.job.pk).update(
                done=self.job.done, total=self.job.total, message=self.job.message
            )


def start(kind: str, *, user, organisation=None, title: str = "", **params) -> Job:
    """Queue a job; it starts when the transaction commits."""
    if kind not in REGISTRY:
        raise KeyError(kind)
    row = Job.objects.create(
        kind=kind, title=title, params=params, user=user, organisation=organisation
    )
    transaction.on_commit(lambda: run_job.enqueue(row.pk))
    return row


class _Heartbeat:
    """Stamp the job as alive at a fixed interval while it runs."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self):
        interval = settings.HIMOYA_JOB_HEARTBEAT_SECONDS
        try:
            while not self.stop.wait(interval):
                Job.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now())
                if settings.HIMOYA_KEYRING_REPORTS:
                    keyring.report("worker", every_seconds=60)
        finally:
            close_old_connections()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)


def _fail(row: Job, message: str) -> None:
    row.state = Job.State.FAILED
    row.message = message[:300]
    row.finished_at = timezone.now()
    row.save(update_fields=["state", "message", "finished_at"])


def execute(job_id: int) -> Job:
    """Run a queued job now, in this process, and record how it ended."""
    row = Job.objects.get(pk=job_id)
    if row.finished:
        return row
    row.state = Job.State.RUNNING
    row.started_at = row.heartbeat_at = timezone.now()
    row.save(update_fields=["state", "started_at", "heartbeat_at"])
    try:
        with _Heartbeat(row.pk), _memory_bound():
            result = REGISTRY[row.kind](row, Progress(row), **row.params) or {}
    except MemoryError:
        log.error("job %s ran out of its memory budget", row.pk)
        _fail(row, MEMORY_MESSAGE)
        return row
    except Exception as exc:  # the page must say what happened, whatever it was
        log.exception("job %s failed", row.pk)
        _fail(row, str(exc))
        return row
    row.refresh_from_db(fields=["done", "total", "message", "result_file"])
    row.state = Job.State.DONE
    row.result = result
    row.message = ""  # the last step's name ("Writing") is no longer true once finished
    row.finished_at = timezone.now()
    if row.total and row.done < row.total:
        row.done = row.total
    row.save(update_fields=["state", "result", "message", "finished_at", "done"])
    return row


@task()
def run_job(job_id: int) -> None:
    execute(job_id)


# --- memory ----------------------------------------------------------------------------

_WORKER = {"bounded": False}


def _address_space() -> int:
    """Return this process's current virtual memory size in bytes (Linux)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


class _memory_bound:
    """In a worker, cap the address space at what it holds now plus the job budget."""

    def __enter__(self):
        self.saved = None
        if not _WORKER["bounded"]:
            return self
        self.saved = resource.getrlimit(resource.RLIMIT_AS)
        cap = _address_space() + settings.HIMOYA_JOB_MEMORY_MB * 1024 * 1024
        hard = self.saved[1]
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            resource.setrlimit(resource.RLIMIT_AS, self.saved)


# --- dead jobs and leftover files ------------------------------------------------------

# Stored untranslated; the job page translates them for whoever reads it.
MEMORY_MESSAGE = gettext_noop(
    "The job needed more memory than a job may use; the file is too large."
)
DEAD_MESSAGE = gettext_noop("The worker stopped while this job was running; start it again.")


def fail_dead_jobs(now=None, jobs=None) -> int:
    """Mark running jobs whose heartbeat stopped as failed and delete their files."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.HIMOYA_JOB_DEAD_AFTER_SECONDS)
    running = Job.objects.filter(state=Job.State.RUNNING)
    if jobs is not None:
        running = running.filter(pk__in=[j.pk for j in jobs])
    dead = running.filter(heartbeat_at__lt=limit) | running.filter(
        heartbeat_at__isnull=True, started_at__lt=limit
    )
    count = 0
    for row in dead:
        _discard_files(row)
        Job.objects.filter(pk=row.pk, state=Job.State.RUNNING).update(
            state=Job.State.FAILED, message=DEAD_MESSAGE, finished_at=now, result_file=""
        )
        count += 1
    return count


def _discard_files(row: Job) -> None:
    if row.result_file:
        row.result_file.delete(save=False)
    path = (row.params or {}).get("path")
    if path:
        _remove_under(Path(path).parent, transient_roots())


def transient_roots() -> list[Path]:
    """Folders whose contents live only while a job needs them."""
    from himoya.crypto.files import private_dir

    return [private_dir("imports"), private_dir("tmp")]


def _remove_under(path: Path, roots) -> None:
    """Delete a file or folder, only if it lies inside one of `roots`."""
    path = Path(path).resolve()
    for root in roots:
        root = Path(root).resolve()
        if path != root and root in path.parents:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            return


def sweep_files(now=None, *, everything: bool = False) -> int:
    """Delete exports past their retention, and transient files no live job still needs.

    `everything` (at worker start, when no job of this worker runs) takes every transient
    file not named by a queued or running job, whatever its age.
    """
    now = now or timezone.now()
    removed = 0
    cutoff = now - datetime.timedelta(hours=settings.HIMOYA_FILE_RETENTION_HOURS)
    for row in Job.objects.exclude(result_file="").filter(finished_at__lt=cutoff):
        row.result_file.delete(save=False)
        Job.objects.filter(pk=row.pk).update(result_file="")
        removed += 1
    live = {
        Path(p["path"]).resolve().parent
        for p in Job.objects.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])
        .exclude(params__path=None)
        .values_list("params", flat=True)
        if isinstance(p, dict) and p.get("path")
    }
    age_cutoff = time.time() - settings.HIMOYA_FILE_RETENTION_HOURS * 3600
    # A library's temporary files carry no job's name: while any job runs elsewhere, only
    # those untouched for longer than a heartbeat could be missed are taken.
    busy = Job.objects.filter(state=Job.State.RUNNING).exists()
    quiet_cutoff = time.time() - settings.HIMOYA_JOB_DEAD_AFTER_SECONDS
    imports, tmp = transient_roots()
    for root in (imports, tmp):
        for entry in root.iterdir():
            if entry.resolve() in live:
                continue
            mtime = entry.stat().st_mtime
            if everything and root == tmp and busy:
                take = mtime < quiet_cutoff
            else:
                take = everything or mtime < age_cutoff
            if take:
                _remove_under(entry, [root])
                removed += 1
    return removed


def on_worker_start() -> None:
    """Clean up after a crashed worker and bound this worker's memory per job."""
    _WORKER["bounded"] = True
    if settings.HIMOYA_KEYRING_REPORTS:
        keyring.report("worker")
    dead = fail_dead_jobs()
    # Jobs still running are another live worker's: their files are kept.
    removed = sweep_files(everything=True)
    log.warning("worker start: %s dead jobs failed, %s leftover files removed", dead, removed)
