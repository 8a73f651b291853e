"""Background jobs: register a function, start it, watch its progress in a page.

Execution goes through Django's task framework (django-tasks); the default backend keeps
the queue in the database, so nothing beyond the database is needed. Run the worker with
`himoya db_worker`.
"""

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from himoya.core.models import Job

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


def execute(job_id: int) -> Job:
    """Run a queued job now, in this process, and record how it ended."""
    row = Job.objects.get(pk=job_id)
    if row.finished:
        return row
    row.state = Job.State.RUNNING
    row.started_at = timezone.now()
    row.save(update_fields=["state", "started_at"])
    try:
        result = REGISTRY[row.kind](row, Progress(row), **row.params) or {}
    except Exception as exc:  # the page must say what happened, whatever it was
        log.exception("job %s failed", row.pk)
        row.state = Job.State.FAILED
        row.message = str(exc)[:300]
        row.finished_at = timezone.now()
        row.save(update_fields=["state", "message", "finished_at"])
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
