from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from himoya.access import policy, roles
from himoya.audit.actions import Action, record, record_permission_denied
from himoya.core import jobs, sections

HOME_TILES = [
    (roles.VIEW_ORGANISATION, "organisation_list", _("My organisations")),
    (roles.VIEW_AUDIT, "audit_log", _("Audit log")),
]


@login_required
def home(request):
    """Show each person what they have to do, by role."""
    from django_otp import user_has_device

    perms = policy.all_permissions(request.user)
    tiles = [{"url_name": u, "label": label} for perm, u, label in HOME_TILES if perm in perms]
    return render(
        request,
        "core/home.html",
        {
            "tiles": tiles,
            "memberships": policy.memberships(request.user),
            "home_sections": home_sections(request),
            "suggest_second_factor": not user_has_device(request.user),
        },
    )


def csrf_failure(request, reason=""):
    """Refuse a forged or expired form post with a page the person can act on."""
    back = request.path if url_has_allowed_host_and_scheme(request.path, None) else "/"
    return render(request, "403_csrf.html", {"back": back}, status=403)


def home_sections(request) -> list:
    """Collect the sections other apps add to the home page (`home_section` on AppConfig)."""
    return sections.collect("home_section", request)


@login_required
def job_detail(request, job_id):
    job = policy.get_or_404(policy.jobs_visible_to(request.user), pk=job_id)
    if job.state == job.State.RUNNING and jobs.fail_dead_jobs(jobs=[job]):
        job.refresh_from_db()
    return render(request, "core/job_detail.html", {"job": job})


@login_required
def job_progress(request, job_id):
    job = policy.get_or_404(policy.jobs_visible_to(request.user), pk=job_id)
    if job.state == job.State.RUNNING and jobs.fail_dead_jobs(jobs=[job]):
        job.refresh_from_db()
    return render(request, "core/job_progress.html", {"job": job})


@login_required
def job_download(request, job_id):
    """Hand out a job's file to its starter, if they still hold the right to it; audit it."""
    job = policy.get_or_404(policy.jobs_visible_to(request.user), pk=job_id)
    if not job.result_file:
        raise Http404
    if not policy.may_download_job_file(request.user, job):
        record_permission_denied(request.user, roles.EXPORT_DATA, job.organisation, request=request)
        raise PermissionDenied
    record(
        Action.EXPORT,
        actor=request.user,
        organisation=job.organisation,
        obj=job,
        detail=f"{job.kind}: download",
        request=request,
    )
    response = FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=job.result_file.name.rsplit("/", 1)[-1],
    )
    add_never_cache_headers(response)
    return response


def healthz(request):
    """Liveness for the load balancer and monitoring: database, disk, worker. No personal data."""
    import shutil

    from django.conf import settings
    from django.db import connection
    from django.http import JsonResponse

    from himoya.core.models import Job

    status: dict = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        status["database"] = "ok"
    except Exception:  # any failure means "not healthy", whatever the driver raised
        status["database"] = "unreachable"
    folder = settings.PROJECT_DIR / "var"
    folder.mkdir(exist_ok=True)
    usage = shutil.disk_usage(folder)
    status["disk_free_bytes"] = usage.free
    status["disk"] = "ok" if usage.free > 500 * 2**20 else "low"
    if status["database"] == "ok":
        running = Job.objects.filter(state=Job.State.RUNNING).count()
        last = Job.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
        status["jobs_running"] = running
        status["last_job_finished_at"] = last.finished_at.isoformat() if last else None
    healthy = status["database"] == "ok" and status["disk"] == "ok"
    status["status"] = "ok" if healthy else "failing"
    return JsonResponse(status, status=200 if healthy else 503)


def metrics(request):
    """Prometheus metrics (counts and timings by route; no personal data): loopback or token."""
    import hmac

    from django.conf import settings
    from django.http import HttpResponseForbidden
    from django_prometheus.exports import ExportToDjangoView

    token = settings.HIMOYA_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    from_host = request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"} and not (
        request.META.get("HTTP_X_FORWARDED_FOR")
    )
    if not (from_host or (token and hmac.compare_digest(given.encode(), token.encode()))):
        return HttpResponseForbidden("metrics: loopback or token only\n")
    return ExportToDjangoView(request)
