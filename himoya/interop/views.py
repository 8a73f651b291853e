from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from himoya.access import policy, roles
from himoya.core import jobs
from himoya.interop import forms
from himoya.interop.jobs import EXPORT_JOB, IMPORT_JOB, keep_upload
from himoya.interop.validation import describe


@login_required
def interop_home(request):
    """List the organisations whose data the user may import or export."""
    user = request.user
    orgs = [
        {
            "organisation": m.organisation,
            "can_import": policy.has_perm(user, roles.IMPORT_DATA, m.organisation),
            "can_export": policy.has_perm(user, roles.EXPORT_DATA, m.organisation),
        }
        for m in policy.memberships(user)
    ]
    orgs = [o for o in orgs if o["can_import"] or o["can_export"]]
    return render(request, "interop/interop_home.html", {"organisations": orgs})


@login_required
def import_start(request, slug):
    org = policy.get_or_404(policy.organisations_visible_to(request.user), slug=slug)
    policy.require(request.user, roles.IMPORT_DATA, org, request=request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = jobs.start(
            IMPORT_JOB,
            user=request.user,
            organisation=org,
            title=str(dict(forms.FORMAT_CHOICES)[data["format"]]),
            path=keep_upload(data["file"]),
            fmt=data["format"],
            dry_run=data["dry_run"],
            skip_invalid=data["skip_invalid"],
        )
        return redirect("job_detail", row.pk)
    return render(request, "interop/import_form.html", {"organisation": org, "form": form})


@login_required
def export_start(request, slug):
    org = policy.get_or_404(policy.organisations_visible_to(request.user), slug=slug)
    policy.require(request.user, roles.EXPORT_DATA, org, request=request)
    form = forms.ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        fmt, kind = target.split(".")
        row = jobs.start(
            EXPORT_JOB,
            user=request.user,
            organisation=org,
            title=str(dict(forms.EXPORT_CHOICES)[target]),
            fmt=fmt,
            file_kind=kind,
        )
        return redirect("job_detail", row.pk)
    may_see_identity = policy.has_perm(request.user, roles.VIEW_IDENTITY, org)
    return render(
        request,
        "interop/export_form.html",
        {"organisation": org, "form": form, "with_identity": may_see_identity},
    )


@login_required
def import_report(request, job_id):
    """Show an import's outcome and its problems row by row, in the reader's language."""
    job = policy.get_or_404(policy.jobs_visible_to(request.user), pk=job_id)
    if job.kind != IMPORT_JOB:
        raise Http404
    result = job.result or {}
    problems = [describe(e) for e in result.get("errors", [])]
    return render(
        request,
        "interop/import_report.html",
        {
            "job": job,
            "result": result,
            "problems": problems,
            "more": result.get("problems", 0) - len(problems),
        },
    )
