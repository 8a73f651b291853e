"""Import and export: one audited function each."""

import datetime
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from himoya.audit.actions import Action, record
from himoya.cases.models import Case
from himoya.interop import bulk, htcds, store, tabular, xlsform
from himoya.interop import fields as F
from himoya.interop.bulk import lock_organisation
from himoya.interop.results import FileLayoutError, file_hash, note
from himoya.interop.validation import RowError, clean_record

FORMATS = ("htcds", "ctdc", "xlsform")
CHUNK = 2000


class _Rollback(Exception):
    pass


def new_result(fmt: str, *, dry_run: bool, skip_invalid: bool) -> dict:
    return {
        "format": fmt,
        "rows": 0,
        "valid": 0,
        "created": 0,
        "new": 0,
        "already_imported": 0,
        "invalid_rows": 0,
        "problems": 0,
        "errors": [],
        "imported": False,
        "dry_run": dry_run,
        "skip_invalid": skip_invalid,
        "ignored_columns": [],
        "kept_as_source": [],
        "consents": 0,
    }


def _registration_date(raw) -> datetime.date | None:
    text = str(raw or "").strip()[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


# Fields that say nothing of a case on their own: names, contacts, who typed it.
_NOT_CONTENT = F.IDENTITY_FIELDS | {"prs_Salutation", "cas_CaseOwner", "himoya_CaseReference"}


def _has_case_content(record: dict) -> bool:
    return any(
        record.get(f.name) not in ("", None, []) for f in F.FIELDS if f.name not in _NOT_CONTENT
    )


def _dated(record: dict) -> datetime.date | None:
    """The registration date a record carries: Himoya's own column, else the referral date."""
    return record.get("himoya_RegisteredOn") or record.get("cas_IncomingReferralDate") or None


def fingerprint(record: dict) -> str:
    """A record's content (the standard's fields, Himoya's own columns left out)."""
    content = {
        name: value
        for name, value in record.items()
        if not name.startswith("himoya_") and value not in ("", None, [])
    }
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()[:24]


def _records(path: Path, fmt: str):
    """Yield (row, instance id or "", raw HTCDS values, registration date or None)."""
    try:
        if fmt == "htcds":
            for row, raw in htcds.read(path):
                yield row, "", raw, None
        else:
            for row, instance, raw in xlsform.read(path):
                day = _registration_date(raw.pop(xlsform.DATE, ""))
                yield row, instance, raw, day
    except (htcds.LayoutError, xlsform.LayoutError) as exc:
        raise FileLayoutError(fmt) from exc


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _instance_key(instance: str) -> str:
    """ODK writes "uuid:…", KoboToolbox's `_uuid` column the bare UUID: one key for both."""
    return f"uuid:{instance.lower()}" if _UUID.match(instance) else instance


def _own_instance_ids(organisation) -> dict[str, int]:
    """Instance ids that Himoya's XLSForm export gives the organisation's page-made cases."""
    return {
        xlsform.instance_id(f"himoya:case:{pk}"): pk
        for pk in Case.objects.filter(organisation=organisation, source_key="").values_list(
            "pk", flat=True
        )
    }


def _import_records(path, fmt, organisation, acting_user, result, progress) -> None:
    today = timezone.localdate()
    seen: set[str] = set()
    occurrences: dict[str, int] = {}
    pending: list[tuple[str, dict, datetime.date]] = []
    kept: set[str] = set()
    owners = store.case_owners(organisation)
    references = set(
        Case.objects.filter(organisation=organisation).values_list("reference", flat=True)
    )
    own_instances = _own_instance_ids(organisation) if fmt == "xlsform" else {}

    digest = file_hash(path)
    legacy: dict[str, str] = {}  # key → the key an import before fingerprints gave the row

    def flush():
        keys = [k for k, _r, _d in pending]
        existing = set(
            Case.objects.filter(
                organisation=organisation,
                source_key__in=keys + [legacy[k] for k in keys if k in legacy],
            ).values_list("source_key", flat=True)
        )
        fresh = [
            item
            for item in pending
            if item[0] not in existing and legacy.get(item[0]) not in existing
        ]
        result["already_imported"] += len(pending) - len(fresh)
        result["new"] += len(fresh)
        if not result["dry_run"] and (result["skip_invalid"] or not result["invalid_rows"]):
            result["created"] += store.save(fresh, organisation, acting_user=acting_user)
            result["consents"] += sum(1 for _k, r, _d in fresh if r.get("con_Consent") is not None)
        pending.clear()

    for row, instance, raw, day in _records(path, fmt):
        result["rows"] += 1
        errors: list[RowError] = []
        clean = clean_record(raw, row, errors)
        if not errors and not _has_case_content(clean):
            errors.append(RowError(row, "", "no_case"))
        if errors:
            result["invalid_rows"] += 1
            note(result, errors)
            continue
        result["valid"] += 1
        # Himoya's own export: the case is here already (its reference or instance id).
        if clean.get("himoya_CaseReference") in references or instance in own_instances:
            result["already_imported"] += 1
            continue
        if instance:
            key = f"xlsform:{_instance_key(instance)}"
        else:
            # No identifier: the record's content, and which copy of it this is.
            content = fingerprint(clean)
            occurrences[content] = occurrences.get(content, 0) + 1
            key = f"htcds:{content}:{occurrences[content]}"
            legacy[key] = f"{fmt}:{digest}:{row}"
        if key in seen:
            result["already_imported"] += 1
            continue
        seen.add(key)
        kept |= store.kept_columns(clean, owners)
        pending.append((key, clean, day or _dated(clean) or today))
        if len(pending) >= CHUNK:
            flush()
            if progress:
                progress(result["rows"])
    if pending:
        flush()
    result["kept_as_source"] = sorted(kept, key=list(F.BY_NAME).index)


def do_import(
    organisation,
    path: Path,
    fmt: str,
    *,
    acting_user,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable | None = None,
    request=None,
) -> dict:
    """Import a file's rows as cases of `organisation`; all or nothing unless skip_invalid.

    Returns the result: counts and the per-row, per-field problems (see validation.py).
    """
    if fmt not in FORMATS:
        raise ValueError(fmt)
    path = Path(path)
    tabular.check_data_file(path)  # NotDataError: a PDF, a program, random bytes …
    with open(path, "rb") as fh:
        if fh.read(4) == tabular.XLSX_MAGIC:
            tabular.check_archive(path)
    result = new_result(fmt, dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        with transaction.atomic():
            lock_organisation(organisation.pk)
            if fmt == "ctdc":
                from himoya.interop import ctdc

                ctdc.import_file(path, organisation, acting_user, result, progress)
            else:
                _import_records(path, fmt, organisation, acting_user, result, progress)
            failed = result["invalid_rows"] and not skip_invalid
            if dry_run or failed:
                raise _Rollback
            result["imported"] = True
            if bulk.is_postgres():
                # Check the deferred foreign keys now, not at commit: the audit row below
                # locks the audit chain's head, which every other writer needs.
                with connection.cursor() as cur:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            record(
                Action.IMPORT,
                actor=acting_user,
                organisation=organisation,
                object_type="cases.case",
                detail=summary(result),
                request=request,
            )
    except _Rollback:
        result["created"] = 0 if not result["imported"] else result["created"]
    return result


def summary(result: dict) -> str:
    """One line of counts, for the audit log (no values, no names)."""
    return (
        f"{result['format']}: rows={result['rows']} created={result['created']} "
        f"already={result['already_imported']} invalid={result['invalid_rows']}"
        f"{' consents=' + str(result['consents']) if result.get('consents') else ''}"
        f"{' dry-run' if result['dry_run'] else ''}"
    )


# --- export --------------------------------------------------------------------------

EXPORT_KINDS = {
    "htcds": ("xlsx", "csv"),
    "ctdc": ("csv", "xlsx", "feather"),
    "xlsform": ("csv", "zip"),
}


def export_kind(fmt: str, filename: str) -> str:
    """Return the file kind for an export from the output name's extension."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    kinds = EXPORT_KINDS[fmt]
    return suffix if suffix in kinds else kinds[0]


def _htcds_records(cases, with_identity: bool):
    from himoya.cases.models import CaseCode
    from himoya.referrals.models import Consent

    chunked = (
        cases.select_related("person", "caseworker", "situation", "source_fields")
        .prefetch_related(
            Prefetch("codes", queryset=CaseCode.objects.order_by("id")),
            Prefetch("consents", queryset=Consent.objects.filter(purpose=store.CONSENT_PURPOSE)),
        )
        .order_by("id")
    )
    for case in chunked.iterator(chunk_size=2000):
        rec = store.record_of(case, with_identity=with_identity)
        rec[xlsform.DATE] = case.registered_on
        yield case.source_key or f"himoya:case:{case.pk}", rec


def do_export(organisation, fmt: str, path: Path, *, acting_user, request=None) -> int:
    """Write the organisation's cases to `path` in `fmt`; identities only if allowed.

    Returns how many cases were written.
    """
    from himoya.access import policy, roles

    if fmt not in FORMATS:
        raise ValueError(fmt)
    path = Path(path)
    kind = export_kind(fmt, path.name)
    cases = Case.objects.filter(organisation=organisation)
    with_identity = fmt != "ctdc" and policy.has_perm(
        acting_user, roles.VIEW_IDENTITY, organisation
    )
    count = 0

    def counted(items):
        nonlocal count
        for item in items:
            count += 1
            yield item

    if fmt == "ctdc":
        from himoya.interop import ctdc

        count = ctdc.write(ctdc.export_rows(cases), path, kind)
    elif fmt == "htcds":
        htcds.write(
            (rec for _key, rec in counted(_htcds_records(cases, with_identity))), path, kind
        )
    elif kind == "zip":
        xlsform.write_zip(counted(_htcds_records(cases, with_identity)), path)
    else:
        xlsform.write_csv_file(counted(_htcds_records(cases, with_identity)), path)
    record(
        Action.EXPORT,
        actor=acting_user,
        organisation=organisation,
        object_type="cases.case",
        fields=sorted(F.IDENTITY_FIELDS) if with_identity else [],
        detail=f"{fmt} ({kind}): {count} cases{', with identities' if with_identity else ''}",
        request=request,
    )
    return count
