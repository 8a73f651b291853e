"""Write and check the audit log."""

import datetime
import re
from dataclasses import dataclass
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from himoya.audit.models import GENESIS, AuditEvent, AuditHead

Action = AuditEvent.Action

# A changed-field entry is a field name (`family_name`) or a dotted path
# (`situation.means_of_control`), never a value.
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# Identity values shorter than this are not searched for in `detail` (too many false hits).
MIN_IDENTITY_LEN = 3


def _client_ip(request) -> str:
    if request is None:
        return ""
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def _check_field_names(fields) -> list[str]:
    for position, name in enumerate(fields):
        if not isinstance(name, str) or not FIELD_NAME.match(name):
            # The entry itself stays out of the message: it may be an identity value.
            raise ValueError(f"Audit `fields` holds field names only; entry {position} is not.")
    return sorted(set(fields))


def _check_no_identity_in(detail: str, obj) -> None:
    """Refuse a detail that repeats a value of one of the object's encrypted fields."""
    from himoya.crypto.fields import encrypted_fields

    folded = detail.casefold()
    for f in encrypted_fields(type(obj)):
        value = obj.__dict__.get(f.attname)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if not isinstance(value, str):
            continue
        value = value.strip().casefold()
        # Short numbers ("12" years) would match ids by chance; words must match whole.
        if len(value) < MIN_IDENTITY_LEN or (len(value) < 6 and not any(map(str.isalpha, value))):
            continue
        if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", folded):
            raise ValueError(f"Audit `detail` must not hold the value of {f.name!r}.")


def record(
    action: str,
    *,
    actor=None,
    organisation=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    fields=(),
    detail: str = "",
    request=None,
) -> AuditEvent:
    """Append one event to the chain; never store values of identity fields, only names.

    `fields` lists the names of changed fields; anything that does not look like a field
    name raises ValueError, and so does a `detail` repeating a value of one of `obj`'s
    encrypted fields.
    """
    names = _check_field_names(fields)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if organisation is None:
            organisation = getattr(obj, "organisation_id", None)
        if detail:
            _check_no_identity_in(detail, obj)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        # The head row is locked until the surrounding transaction ends: appends are
        # serialised, so ids follow the chain's order.
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            at=timezone.now().astimezone(UTC),
            actor=actor,
            actor_name=(actor.get_username() if actor else "")[:150],
            organisation_id=getattr(organisation, "pk", organisation),
            action=action,
            object_type=str(object_type)[:64],
            object_id=str(object_id or "")[:64],
            fields=names,
            detail=detail[:300],
            ip=_client_ip(request),
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


def record_permission_denied(user, perm: str, organisation=None, *, request=None) -> None:
    record(
        Action.PERMISSION_DENIED,
        actor=user,
        organisation=organisation,
        detail=perm,
        object_type="path" if request is not None else "",
        object_id=(request.path[:64] if request is not None else ""),
        request=request,
    )


# --- sign-in events (connected in AuditConfig.ready) ---------------------------------


def _home_organisation_id(user):
    """Return the organisation a sign-in event is filed under: the user's first one."""
    # Not through the access policy: the policy records its denials here (no import circle).
    from himoya.organisations.models import Membership

    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
        .first()
    )


def on_logged_in(sender, request, user, **kwargs):
    record(
        Action.LOGIN,
        actor=user,
        organisation=_home_organisation_id(user),
        request=request,
    )


def on_logged_out(sender, request, user, **kwargs):
    if user is None or not user.is_authenticated:
        return
    record(
        Action.LOGOUT,
        actor=user,
        organisation=_home_organisation_id(user),
        request=request,
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    """Record a failed sign-in: whose account it names, never the password.

    A name that is no account is stored only as a keyed hash (people type passwords into
    the user-name field). Attempts on an account already locked from that address are
    not recorded one by one: the lock-out itself is on record, and a flood of refused
    attempts would only bury the log.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from himoya.crypto.keys import blind_index

    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    if request is not None and _locked_before(username, request, settings.AXES_FAILURE_LIMIT):
        return
    target = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if target is not None:
        detail = target.get_username()
    else:
        detail = "unknown name " + blind_index(username, "audit.failed_login", normalise=False)[:16]
    record(
        Action.FAILED_LOGIN,
        organisation=_home_organisation_id(target) if target else None,
        object_type=User._meta.label_lower if target else "",
        object_id=target.pk if target else "",
        detail=detail[:150],
        request=request,
    )


def _locked_before(username: str, request, limit: int) -> bool:
    """Tell whether this account was already locked from this address before this attempt."""
    from axes.models import AccessAttempt

    ip = getattr(request, "axes_ip_address", None)
    if not username or not ip:
        return False
    failures = (
        AccessAttempt.objects.filter(username=username, ip_address=ip)
        .values_list("failures_since_start", flat=True)
        .first()
    )
    return (failures or 0) > limit


# --- checking the chain --------------------------------------------------------------


@dataclass
class ChainReport:
    """The outcome of a walk along the chain (and of the comparison with checkpoints)."""

    checked: int
    broken_id: int | None = None  # the first event that does not hold
    reason: str = ""
    last_good_id: int | None = None
    head_hash: str = GENESIS
    checkpoints: int = 0  # signed checkpoints the chain was compared with
    latest_checkpoint: str = ""
    against_checkpoint: bool = False  # the chain holds, but does not match a checkpoint

    @property
    def ok(self) -> bool:
        return not self.reason


def base_note(base_id: int, base_count: int, base_hash: str) -> str:
    """The words a purge event uses to vouch for the chain's new start (see verify_chain)."""
    return f"chain now starts after event #{base_id} ({base_count} events), hash {base_hash}"


def verify_chain(batch_size: int = 5000, *, checkpoints: bool = True) -> ChainReport:
    """Walk the chain in order, name the first event that does not hold, then compare
    the chain with every signed checkpoint in HIMOYA_AUDIT_CHECKPOINT_DIR."""
    from himoya.audit.checkpoints import read_checkpoints

    head = AuditHead.objects.filter(pk=1).first()
    base_id = head.base_id if head else 0
    base_count = head.base_count if head else 0
    prev = (head.base_hash if head else "") or GENESIS
    files = read_checkpoints() if checkpoints else []
    wanted = {c.last_id for c in files if c.signed}
    seen: dict[int, tuple[int, str]] = {}  # id -> (position in the chain, hash)
    base_vouched = base_id == 0
    note = base_note(base_id, base_count, prev)
    checked = 0
    last_good = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            reason = (
                "it does not follow the event before it (an event was removed or inserted)"
                if event.compute_hash() == event.hash
                else "its contents were changed"
            )
            return ChainReport(checked, event.pk, reason, last_good, prev)
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "its contents were changed", last_good, prev)
        prev = event.hash
        last_good = event.pk
        checked += 1
        if event.pk in wanted:
            seen[event.pk] = (base_count + checked, event.hash)
        if not base_vouched and event.object_type == "audit.chain" and event.detail == note:
            base_vouched = True
    if head is None:
        report = (
            ChainReport(checked, None, "the chain's head record is missing", last_good)
            if checked
            else ChainReport(0)
        )
    elif head.last_hash != prev or head.count != base_count + checked:
        if head.count > base_count + checked:
            reason = (
                f"{head.count - base_count - checked} events are missing from the end of the chain"
            )
        else:
            reason = "the chain does not end where its head record says"
        report = ChainReport(checked, None, reason, last_good, prev)
    elif not base_vouched:
        report = ChainReport(
            checked,
            None,
            "the chain's start was moved without a purge event vouching for it",
            last_good,
            prev,
        )
    else:
        report = ChainReport(checked, None, "", last_good, prev)
    if report.ok and files:
        _compare_with_checkpoints(report, files, seen, base_id, base_count)
    return report


def _compare_with_checkpoints(report, files, seen, base_id, base_count) -> None:
    report.against_checkpoint = True
    for cp in files:
        if not cp.signed:
            report.reason = (
                f"checkpoint {cp.name} does not carry a valid signature of this audit key "
                "(forged or damaged)"
            )
            return
        if cp.count == 0 or (cp.last_id <= base_id and cp.count <= base_count):
            continue  # nothing to find, or removed by a purge that the chain vouches for
        if cp.last_id not in seen:
            report.reason = (
                f"event #{cp.last_id}, the last of {cp.count} events signed in checkpoint "
                f"{cp.name}, is not in the chain: the log was truncated or rewritten"
            )
            return
        position, value = seen[cp.last_id]
        if value != cp.last_hash or position != cp.count:
            report.reason = (
                f"the chain up to event #{cp.last_id} differs from checkpoint {cp.name}: "
                "the log was rewritten"
            )
            return
        report.checkpoints += 1
        report.latest_checkpoint = cp.name
    report.against_checkpoint = bool(report.reason)


def purge_events_before(cutoff, *, dry_run: bool = False) -> int:
    """Remove the events older than `cutoff` from the chain's start; return how many.

    The head's base moves to the last removed event (the append-only trigger lets a
    DELETE through only up to it), and a keyed event vouching for the new start is
    appended, so a base moved by hand does not verify.
    """
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        last = (
            AuditEvent.objects.filter(at__lt=cutoff, id__gt=head.base_id)
            .order_by("-id")
            .values_list("id", "hash")
            .first()
        )
        if last is None:
            return 0
        removed = AuditEvent.objects.filter(id__lte=last[0]).count()
        if dry_run:
            return removed
        head.base_id, head.base_hash = last
        head.base_count += removed
        head.save(update_fields=["base_id", "base_hash", "base_count"])
        AuditEvent.objects.filter(id__lte=last[0]).delete()
        record(
            Action.DELETE,
            object_type="audit.chain",
            object_id=last[0],
            detail=base_note(head.base_id, head.base_count, head.base_hash),
        )
    return removed


def find_event_with_hash(value: str) -> AuditEvent | None:
    """Return the event whose hash is `value` (an anchor noted down earlier), if present."""
    return AuditEvent.objects.filter(hash=value).first()
