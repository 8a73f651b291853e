"""OpenRosa endpoints for ODK Collect, and the pages that manage field phones."""

import base64
import json
import logging
import zlib
from xml.etree.ElementTree import Element, SubElement

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from himoya.access import policy, roles
from himoya.access.fieldcapture import field_users_managed_by, review_queue_visible_to
from himoya.fieldcapture import actions, auth, openrosa, publishing, xlsform
from himoya.fieldcapture.forms import FieldUserForm
from himoya.fieldcapture.models import FormVersion, PublishedForm, Submission
from himoya.fieldcapture.openrosa import SubmissionError

log = logging.getLogger("himoya.fieldcapture")

# --- OpenRosa -------------------------------------------------------------------------


def _challenge() -> HttpResponse:
    response = openrosa.message(_("Sign in with the phone's account."), 401)
    response["WWW-Authenticate"] = f'Basic realm="{auth.REALM}", charset="UTF-8"'
    return response


def _field_user(request, *, allow_revoked=False):
    """Return (field user, None) or (None, the response that refuses the request)."""
    field_user = auth.field_user_from(request)
    if field_user is None:
        return None, _challenge()
    if not allow_revoked and (field_user.is_revoked or not field_user.organisation.is_active):
        log.info("refused revoked field user %s", field_user.pk)
        return None, openrosa.message(_("This phone's account was revoked."), 403)
    return field_user, None


def _form_name(version: FormVersion) -> str:
    if version.form.kind == PublishedForm.Kind.SCREENING and version.checklist_version:
        return version.checklist_version.checklist.name
    return str(xlsform.TITLES[version.form.kind])


@require_http_methods(["GET", "HEAD"])
def form_list(request):
    """The OpenRosa Form List: every open form's current version."""
    _fu, refused = _field_user(request)
    if refused:
        return refused
    root = Element("xforms", xmlns=openrosa.FORMLIST_NS)
    wanted = request.GET.get("formID")
    for version in publishing.current_versions():
        form_id = version.form.form_id
        if wanted and wanted != form_id:
            continue
        item = SubElement(root, "xform")
        SubElement(item, "formID").text = form_id
        SubElement(item, "name").text = _form_name(version)
        SubElement(item, "version").text = version.version
        SubElement(item, "hash").text = f"md5:{version.md5}"
        args = [form_id, version.version]
        SubElement(item, "downloadUrl").text = request.build_absolute_uri(
            reverse("openrosa_form_download", args=args)
        )
        SubElement(item, "manifestUrl").text = request.build_absolute_uri(
            reverse("openrosa_form_manifest", args=args)
        )
    return openrosa.xml_response(root)


def _version(form_id: str, version: str) -> FormVersion | None:
    return (
        FormVersion.objects.select_related("form")
        .filter(form__form_id=form_id, version=version)
        .first()
    )


@require_http_methods(["GET", "HEAD"])
def form_download(request, form_id, version):
    _fu, refused = _field_user(request)
    if refused:
        return refused
    found = _version(form_id, version)
    if found is None:
        return openrosa.message(_("This form is not known to Himoya."), 404)
    response = HttpResponse(found.xform.encode("utf-8"), content_type=openrosa.XML_TYPE)
    return openrosa.with_headers(response)


@require_http_methods(["GET", "HEAD"])
def form_manifest(request, form_id, version):
    """The media manifest: Himoya's forms carry no media files, so it lists none."""
    _fu, refused = _field_user(request)
    if refused:
        return refused
    if _version(form_id, version) is None:
        return openrosa.message(_("This form is not known to Himoya."), 404)
    return openrosa.xml_response(Element("manifest", xmlns=openrosa.MANIFEST_NS))


class _MemoryOnly(MemoryFileUploadHandler):
    """Keep uploaded parts in memory (never in the temporary directory), up to the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True
        self.total = 0

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > openrosa.max_submission_bytes():
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def _too_large() -> HttpResponse:
    return openrosa.message(_("The form with its files is too large to send."), 413)


@csrf_exempt
@require_http_methods(["HEAD", "POST"])
def submission(request):
    """OpenRosa Form Submission: HEAD answers 204; POST takes one encrypted submission."""
    field_user, refused = _field_user(request, allow_revoked=True)
    if refused:
        return refused
    if request.method == "HEAD":
        return openrosa.with_headers(HttpResponse(status=204))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > openrosa.max_submission_bytes():
        log.warning("submission refused: too large")
        return _too_large()
    request.upload_handlers = [_MemoryOnly(request)]
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        log.warning("submission refused: no xml_submission_file")
        return openrosa.message(_("The form could not be read: a part is missing."), 400)
    files = {f.name: f.read() for name, f in request.FILES.items() if name != "xml_submission_file"}
    if sum(map(len, files.values())) > openrosa.max_submission_bytes():
        return _too_large()
    manifest_xml = upload.read()
    for attempt in (1, 2):
        try:
            received = actions.do_receive_submission(
                field_user, manifest_xml=manifest_xml, files=files, request=request
            )
            break
        except SubmissionError as exc:
            log.warning("submission refused (%s): %s", exc.status, exc.log)
            return openrosa.message(exc.message, exc.status)
        except IntegrityError:
            # The same submission arrived twice at once; the second look finds the first.
            if attempt == 2:
                raise
    return openrosa.message(received.message, 201, nature="submit_success")


# --- pages ----------------------------------------------------------------------------


def collect_settings(request, field_user, secret: str) -> str:
    """ODK Collect's settings for the phone: JSON, zlib-compressed, base64 (ODK docs)."""
    general = {
        "server_url": request.build_absolute_uri(reverse("openrosa_root")).rstrip("/"),
        "username": field_user.username,
        "password": secret,
        "metadata_username": field_user.username,
    }
    # Collect's own interface has Russian and English, not Tajik: the form speaks Tajik.
    if field_user.language in ("ru", "en"):
        general["app_language"] = field_user.language
    data = {
        "general": general,
        "admin": {"change_server": False},
        "project": {"name": f"Himoya · {field_user.label}", "icon": "H", "color": "#1d6b57"},
    }
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(raw)).decode("ascii")


def _qr_svg(payload: str) -> str:
    import segno

    return segno.make(payload, micro=False, error="l").svg_inline(scale=5, omitsize=False)


def _render_user(request, field_user, secret: str = ""):
    context = {"fu": field_user}
    if secret:
        payload = collect_settings(request, field_user, secret)
        context["qr_svg"] = _qr_svg(payload)
        context["qr_payload"] = payload
        context["server_url"] = request.build_absolute_uri(reverse("openrosa_root"))
    return render(request, "fieldcapture/fielduser_detail.html", context)


@login_required
def field_user_list(request):
    policy.require(request.user, roles.MANAGE_USERS, request=request)
    orgs = policy.organisations_managed_by(request.user).filter(
        pk__in=policy.org_ids_with(request.user, roles.MANAGE_USERS)
    )
    form = FieldUserForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            field_user, secret = actions.do_create_field_user(
                data["organisation"],
                label=data["label"],
                language=data["language"],
                role=data["role"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _render_user(request, field_user, secret)
    field_users = (
        field_users_managed_by(request.user)
        .select_related("organisation", "user")
        .order_by("revoked_at", "label")
    )
    return render(
        request,
        "fieldcapture/fielduser_list.html",
        {"form": form, "field_users": field_users},
    )


def _managed(request, pk):
    field_user = policy.get_or_404(
        field_users_managed_by(request.user).select_related("organisation", "user"), pk=pk
    )
    policy.require(request.user, roles.MANAGE_USERS, field_user.organisation, request=request)
    return field_user


@login_required
def field_user_detail(request, pk):
    return _render_user(request, _managed(request, pk))


@login_required
@require_POST
def field_user_new_code(request, pk):
    field_user = _managed(request, pk)
    try:
        secret = actions.do_reset_field_user_secret(field_user, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("fieldcapture_user", pk=pk)
    return _render_user(request, field_user, secret)


@login_required
@require_POST
def field_user_revoke(request, pk):
    field_user = _managed(request, pk)
    actions.do_revoke_field_user(field_user, acting_user=request.user)
    messages.success(request, _("The phone's account was revoked."))
    return redirect("fieldcapture_user", pk=pk)


@login_required
def review_queue(request):
    policy.require(request.user, roles.APPROVE_STATUS, request=request)
    submissions = (
        review_queue_visible_to(request.user)
        .select_related("organisation", "field_user", "form_version__form")
        .order_by("-received_at")[:200]
    )
    return render(request, "fieldcapture/submission_queue.html", {"submissions": submissions})


@login_required
@require_POST
def review_retry(request, pk):
    submission = policy.get_or_404(review_queue_visible_to(request.user), pk=pk)
    policy.require(request.user, roles.APPROVE_STATUS, submission.organisation, request=request)
    actions.do_retry_submission(submission, acting_user=request.user)
    if submission.status == Submission.Status.RECORDED:
        messages.success(request, _("The submission became a record."))
    else:
        messages.error(request, _("The submission still cannot become a record."))
    return redirect("fieldcapture_review")
