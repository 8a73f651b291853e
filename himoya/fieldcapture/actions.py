"""Field users and received submissions: one function per state change, atomic, audited."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.access import policy, roles
from himoya.access.roles import Role
from himoya.audit.actions import Action, record
from himoya.fieldcapture import auth, odkcrypto, openrosa, xlsform
from himoya.fieldcapture.models import (
    FieldUser,
    FormVersion,
    PublishedForm,
    Submission,
    SubmissionFile,
)
from himoya.fieldcapture.openrosa import SubmissionError
from himoya.organisations.models import Membership, User

log = logging.getLogger("himoya.fieldcapture")
Status = Submission.Status
Reason = Submission.Reason

# --- field users ----------------------------------------------------------------------


@transaction.atomic
def do_create_field_user(
    organisation, *, label: str, language: str = "tg", role: str = Role.RESPONDER, acting_user
) -> tuple[FieldUser, str]:
    """Create a phone's account in the organisation; return it with its one-time secret."""
    if role not in (Role.RESPONDER, Role.CASEWORKER):
        raise ValidationError(_("A phone can only be a first-line responder or a caseworker."))
    n = FieldUser.objects.filter(organisation=organisation).count() + 1
    username = f"odk-{organisation.slug}-{n}"
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"odk-{organisation.slug}-{n}"
    user = User.objects.create_user(username=username, password=None, language=language)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    secret = auth.new_secret()
    field_user = FieldUser.objects.create(
        organisation=organisation,
        user=user,
        label=label,
        language=language,
        secret_hash=auth.hash_secret(secret),
        created_by=acting_user,
    )
    record(
        Action.CREATE,
        actor=acting_user,
        obj=field_user,
        fields=["label", "language", "role"],
        detail=f"role {role}",
    )
    return field_user, secret


@transaction.atomic
def do_reset_field_user_secret(field_user: FieldUser, *, acting_user) -> str:
    """Give the phone's account a new secret (the old QR code stops working)."""
    if field_user.is_revoked:
        raise ValidationError(_("This phone's account was revoked."))
    secret = auth.new_secret()
    field_user.secret_hash = auth.hash_secret(secret)
    field_user.save(update_fields=["secret_hash"])
    record(Action.UPDATE, actor=acting_user, obj=field_user, fields=["secret"])
    return secret


@transaction.atomic
def do_revoke_field_user(field_user: FieldUser, *, acting_user) -> FieldUser:
    """Revoke a phone's account: it can no longer fetch forms, and what it sends waits."""
    if field_user.is_revoked:
        return field_user
    field_user.revoked_at = timezone.now()
    field_user.revoked_by = acting_user
    field_user.save(update_fields=["revoked_at", "revoked_by"])
    Membership.objects.filter(user=field_user.user_id).update(is_active=False)
    User.objects.filter(pk=field_user.user_id).update(is_active=False)
    record(Action.STATUS_CHANGE, actor=acting_user, obj=field_user, fields=["revoked_at"])
    return field_user


# --- submissions ----------------------------------------------------------------------


@dataclass
class Received:
    submission: Submission
    duplicate: bool = False

    @property
    def message(self) -> str:
        s = self.submission
        if self.duplicate:
            return _("This form was already received.")
        if s.status == Status.WAITING:
            return _("Part of the form was received; the rest is expected.")
        if s.status == Status.REVIEW:
            return _("Received. It waits for a supervisor's review: %(reason)s") % {
                "reason": s.get_reason_display()
            }
        return _("Received and recorded. Thank you.")


def _refuse(status: int, message: str, log_text: str):
    raise SubmissionError(status, message, log_text)


def _version_for(manifest: odkcrypto.Manifest) -> FormVersion:
    version = (
        FormVersion.objects.select_related("form", "checklist_version__checklist")
        .filter(form__form_id=manifest.form_id, version=manifest.version)
        .first()
    )
    if version is None:
        _refuse(404, _("This form is not known to Himoya."), "unknown form or version")
    assert version is not None
    return version


@transaction.atomic
def do_receive_submission(
    field_user: FieldUser, *, manifest_xml: bytes, files: dict[str, bytes], request=None
) -> Received:
    """Store an encrypted submission; once complete, decrypt it and make its record.

    A submission that cannot be decrypted, or whose signature does not match, is refused
    whole (nothing is written). One that decrypts but cannot become a record waits in the
    review queue, still encrypted, with the reason.
    """
    try:
        root = openrosa.parse_xml(manifest_xml)
    except ValueError:
        _refuse(400, _("The form could not be read: it is not XML."), "not XML")
    manifest = openrosa.parse_manifest(root)
    if manifest is None:
        _refuse(400, _("Himoya accepts encrypted forms only."), "not an encrypted submission")
    assert manifest is not None
    if not manifest.instance_id or not manifest.xml_file or not manifest.b64_key:
        _refuse(400, _("The form could not be read: a part is missing."), "incomplete manifest")
    version = _version_for(manifest)
    org = field_user.organisation
    submission = (
        Submission.objects.select_for_update()
        .filter(organisation=org, instance_id=manifest.instance_id)
        .first()
    )
    if submission is not None and submission.status != Status.WAITING:
        log.info("duplicate submission %s ignored", submission.pk)
        return Received(submission, duplicate=True)
    if submission is None:
        submission = Submission.objects.create(
            organisation=org,
            field_user=field_user,
            form_version=version,
            instance_id=manifest.instance_id,
            manifest=manifest_xml.decode("utf-8"),
            status=Status.WAITING,
        )
    elif submission.form_version_id != version.pk:
        _refuse(400, _("The form could not be read: a part is missing."), "parts disagree")
    have = set(submission.files.values_list("name", flat=True))
    SubmissionFile.objects.bulk_create(
        SubmissionFile(submission=submission, name=name, data=files[name])
        for name in manifest.file_names
        if name in files and name not in have
    )
    if not set(manifest.file_names) <= have | set(files):
        log.info("submission %s waits for files", submission.pk)
        return Received(submission)
    stored = dict(submission.files.values_list("name", "data"))
    xml = _decrypt(version, manifest, {k: bytes(v) for k, v in stored.items()})
    _make_record(submission, version, xml, field_user, request=request)
    record(
        Action.CREATE,
        actor=field_user.user,
        obj=submission,
        fields=["status", "reason"],
        detail=f"form {version.form.form_id} version {version.version}: {submission.status}",
        request=request,
    )
    log.info(
        "submission %s of form %s: %s %s",
        submission.pk,
        version.form.form_id,
        submission.status,
        submission.reason,
    )
    return Received(submission)


def _decrypt(version: FormVersion, manifest, files: dict[str, bytes]):
    try:
        key = odkcrypto.load_private_key(version.private_key)
        xml, _media = odkcrypto.decrypt(key, manifest, files)
        root = openrosa.parse_xml(xml)
    except (odkcrypto.DecryptionFailed, ValueError) as exc:
        _refuse(400, _("The form could not be decrypted; it was not accepted."), str(exc))
    meta_id = openrosa.instance_values(root).get("instanceID", "")
    if root.get("id") != manifest.form_id or meta_id != manifest.instance_id:
        _refuse(400, _("The form could not be decrypted; it was not accepted."), "mismatch")
    return root


def _review(submission: Submission, reason: str, detail: str = "") -> None:
    submission.status = Status.REVIEW
    submission.reason = reason
    submission.detail = detail[:2000]
    submission.save(update_fields=["status", "reason", "detail"])


def _make_record(submission: Submission, version: FormVersion, root, field_user, request=None):
    form = version.form
    if field_user.is_revoked:
        return _review(submission, Reason.REVOKED)
    if not field_user.organisation.is_active:
        return _review(submission, Reason.ORGANISATION)
    if not form.is_open:
        return _review(submission, Reason.CLOSED)
    make = {
        PublishedForm.Kind.SCREENING: _screening,
        PublishedForm.Kind.REGISTRATION: _registration,
        PublishedForm.Kind.HOTLINE: _hotline_contact,
    }[PublishedForm.Kind(form.kind)]
    values = openrosa.instance_values(root)
    try:
        with transaction.atomic():
            make(submission, version, values, field_user.user, request)
    except PermissionError:
        return _review(submission, Reason.NO_RIGHT)
    except ValidationError as exc:
        return _review(submission, Reason.INVALID, "; ".join(exc.messages))
    submission.status = Status.RECORDED
    submission.reason = Reason.NONE
    submission.save(update_fields=["status", "reason", "screening", "case", "hotline_contact"])


def _form_errors(form) -> list[str]:
    """Name each refused question with its message (the codes, never a free-text answer)."""
    return [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]


def _require(user, perm: str, organisation) -> None:
    if not policy.has_perm(user, perm, organisation):
        raise PermissionError(perm)


def _screening(submission, version: FormVersion, values: dict, user, request) -> None:
    from himoya.screening import actions as screening_actions
    from himoya.screening.forms import ScreeningStartForm

    org = submission.organisation
    _require(user, roles.SCREEN, org)
    checklist_version = version.checklist_version
    assert checklist_version is not None
    checklist = checklist_version.checklist
    # The page's own form checks the profile, so a phone is held to the same rules.
    start = ScreeningStartForm(
        {"checklist": checklist.pk, **{k: values.get(k, "") for k in xlsform.SCREENING_FIELDS}},
        user=user,
        organisation=org,
    )
    if not start.is_valid():
        raise ValidationError(_form_errors(start))
    data = {k: v for k, v in start.cleaned_data.items() if k != "checklist"}
    screening = screening_actions.do_start_screening(
        org,
        checklist=checklist,
        version=checklist_version,
        acting_user=user,
        request=request,
        **data,
    )
    answers = {
        i.code: values.get(xlsform.question_name(i.code), "") for i in screening.indicators()
    }
    screening_actions.do_save_answers(screening, answers, acting_user=user, request=request)
    submission.screening = screening


def _registration(submission, version: FormVersion, values: dict, user, request) -> None:
    from himoya.cases.actions import CaseActionError, do_register_case

    org = submission.organisation
    _require(user, roles.CREATE_CASE, org)
    person: dict = {k: values.get(k, "") for k in xlsform.REGISTRATION_FIELDS}
    age = person.pop("age_at_identification")
    try:
        person["age_at_identification"] = int(age) if age else None
    except ValueError as exc:
        raise ValidationError(_("The age is not a number.")) from exc
    if not person["given_name"] and not person["family_name"]:
        raise ValidationError(_("The person's name is missing."))
    try:
        submission.case = do_register_case(org, acting_user=user, person=person, request=request)
    except CaseActionError as exc:
        raise ValidationError(str(exc)) from exc


def _hotline_contact(submission, version: FormVersion, values: dict, user, request) -> None:
    from himoya.hotline.actions import do_log_contact
    from himoya.hotline.forms import HotlineContactForm

    org = submission.organisation
    _require(user, roles.HOTLINE, org)
    form = HotlineContactForm(
        {k: values.get(k, "") for k in xlsform.HOTLINE_FIELDS}, organisation=org
    )
    if not form.is_valid():
        raise ValidationError(_form_errors(form))
    submission.hotline_contact = do_log_contact(
        org,
        data={k: v for k, v in form.cleaned_data.items() if v not in (None, "")},
        acting_user=user,
        request=request,
    )


@transaction.atomic
def do_retry_submission(submission: Submission, *, acting_user) -> Submission:
    """Try again to make the record of a submission in the review queue."""
    if submission.status != Status.REVIEW:
        return submission
    version = submission.form_version
    root = openrosa.parse_xml(submission.manifest.encode("utf-8"))
    manifest = openrosa.parse_manifest(root)
    assert manifest is not None
    files = {f.name: bytes(f.data) for f in submission.files.all()}
    try:
        xml = _decrypt(version, manifest, files)
    except SubmissionError as exc:
        _review(submission, Reason.INVALID, exc.log)
        return submission
    _make_record(submission, version, xml, submission.field_user)
    record(
        Action.UPDATE,
        actor=acting_user,
        obj=submission,
        fields=["status", "reason"],
        detail=f"retried: {submission.status}",
    )
    return submission
