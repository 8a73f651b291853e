from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.access import policy, roles
from himoya.access import publish as access
from himoya.audit.actions import Action, record
from himoya.publish import actions, report
from himoya.publish.forms import ReleaseForm
from himoya.publish.models import Release

CONTENT_TYPES = {
    "csv": "text/csv",
    "aggregates": "text/csv",
    "dictionary": "text/csv",
    "feather": "application/vnd.apache.arrow.file",
    "report_pdf": "application/pdf",
}


@login_required
def release_list(request):
    releases = access.releases_visible_to(request.user).select_related("prepared_by")
    if not releases.exists() and not policy.has_perm(request.user, roles.VIEW_STATS_NATIONAL):
        policy.require(request.user, roles.PREPARE_RELEASE, request=request)
    return render(
        request,
        "publish/release_list.html",
        {
            "releases": releases,
            "can_prepare": policy.has_perm(request.user, roles.PREPARE_RELEASE),
        },
    )


@login_required
def release_add(request):
    policy.require(request.user, roles.PREPARE_RELEASE, request=request)
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = dict(form.cleaned_data)
        cd["fields"] = cd.pop("published")
        try:
            release = actions.do_prepare_release(
                acting_user=request.user,
                organisation=next(iter(policy.memberships(request.user))).organisation,
                request=request,
                **cd,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            return redirect("release_detail", pk=release.pk)
    return render(request, "publish/release_form.html", {"form": form})


@login_required
def release_detail(request, pk):
    release = policy.get_or_404(
        access.releases_visible_to(request.user).select_related(
            "prepared_by", "approved_by", "job"
        ),
        pk=pk,
    )
    ready = release.state in (Release.State.PREPARED, Release.State.APPROVED)
    return render(
        request,
        "publish/release_detail.html",
        {
            "release": release,
            "job": release.job,
            "sections": report.sections(release) if ready else [],
            "files": release.files.defer("content") if ready else [],
            "may_approve": release.state == Release.State.PREPARED
            and policy.has_perm(request.user, roles.PREPARE_RELEASE)
            and release.prepared_by_id != request.user.pk,
        },
    )


@login_required
def release_file(request, pk, file_pk):
    release = policy.get_or_404(access.releases_visible_to(request.user), pk=pk)
    file = policy.get_or_404(release.files.all(), pk=file_pk)
    record(Action.EXPORT, actor=request.user, obj=release, detail=file.name, request=request)
    response = HttpResponse(bytes(file.content), content_type=CONTENT_TYPES[file.kind])
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


@login_required
@require_POST
def release_approve(request, pk):
    release = policy.get_or_404(access.releases_visible_to(request.user), pk=pk)
    policy.require(request.user, roles.PREPARE_RELEASE, request=request)
    try:
        actions.do_approve_release(release, acting_user=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The release was approved."))
    return redirect("release_detail", pk=release.pk)
