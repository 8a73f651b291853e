"""Re-encrypt identity fields under the current key and refresh their blind indexes."""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from himoya.crypto import keys
from himoya.crypto.fields import encrypted_fields


class RotationError(Exception):
    """A stored value cannot be read with the configured keys; nothing of its batch changed."""


@dataclass
class ModelReport:
    label: str
    rows: int = 0
    old_values: Counter = field(default_factory=Counter)  # key id -> values under it
    reencrypted: int = 0
    indexes_changed: int = 0  # index fields whose value changed
    rows_reindexed: int = 0  # rows whose model rewrote its own index table

    @property
    def stale(self) -> int:
        return sum(self.old_values.values())


def own_encrypted_fields(model) -> list:
    """Encrypted columns stored in the model's own table (a parent model handles its own)."""
    local = set(model._meta.local_concrete_fields)
    return [f for f in encrypted_fields(model) if f in local]


def models_with_encrypted_fields() -> list:
    return [
        m
        for m in apps.get_models()
        if not m._meta.proxy and not m._meta.swapped and own_encrypted_fields(m)
    ]


def rotate(models_=None, *, dry_run: bool = False, batch_size: int = 500) -> list[ModelReport]:
    """Re-encrypt every value not under the current key and refresh blind indexes.

    Rows are handled in batches, each in its own transaction with its rows locked, so a
    run can be interrupted and started again; a second run finds nothing to do.
    """
    current = keys.current_key_id()
    return [
        _rotate_model(model, current, dry_run=dry_run, batch_size=batch_size)
        for model in (models_ if models_ is not None else models_with_encrypted_fields())
    ]


def _rotate_model(model, current: str, *, dry_run: bool, batch_size: int) -> ModelReport:
    report = ModelReport(model._meta.label_lower)
    fields = own_encrypted_fields(model)
    raw = {f"_raw_{f.attname}": Cast(f.attname, output_field=models.TextField()) for f in fields}
    refresh = callable(getattr(model, "refresh_blind_indexes", None))
    manager = model._base_manager
    last_pk = None
    while True:
        with transaction.atomic():
            qs = manager.order_by("pk")
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            if not dry_run:
                qs = qs.select_for_update()
            rows = list(qs.annotate(**raw).values_list("pk", *raw)[:batch_size])
            if not rows:
                return report
            last_pk = rows[-1][0]
            report.rows += len(rows)
            stale = _stale_fields(model, fields, rows, current, report)
            if stale or refresh:
                objs = qs.filter(pk__in=[r[0] for r in rows])
                _rewrite(model, objs, stale, refresh, report, dry_run=dry_run)
            if dry_run:
                # A model that stores its indexes elsewhere writes them itself: undo that.
                transaction.set_rollback(True)


def _stale_fields(model, fields, rows, current, report) -> dict:
    """Check every stored value opens; return {pk: [fields under an old key]}."""
    stale: dict = {}
    for pk, *values in rows:
        for f, stored in zip(fields, values, strict=True):
            if stored is None or stored == "":
                continue
            try:
                keys.decrypt(stored, f._context())
            except keys.DecryptionError as exc:
                label = model._meta.label_lower
                raise RotationError(f"{label} #{pk} field {f.name}: {exc}") from exc
            kid = keys.key_id_of(stored)
            if kid != current:
                report.old_values[kid] += 1
                stale.setdefault(pk, []).append(f)
    return stale


def _rewrite(model, qs, stale: dict, refresh: bool, report: ModelReport, *, dry_run) -> None:
    opts = model._meta
    for obj in qs:
        updates = {f.name: getattr(obj, f.attname) for f in stale.get(obj.pk, [])}
        if refresh:
            before = {f.attname: getattr(obj, f.attname) for f in opts.concrete_fields}
            names = obj.refresh_blind_indexes()
            if names is None:  # indexes kept in another table, written by the model
                report.rows_reindexed += 1
            for name in names or ():
                f = opts.get_field(name)
                if getattr(obj, f.attname) != before[f.attname]:
                    updates[f.name] = getattr(obj, f.attname)
                    report.indexes_changed += 1
        if updates and not dry_run:
            # A queryset update: no save() side effects (timestamps, signals, audit rows).
            model._base_manager.filter(pk=obj.pk).update(**updates)
        report.reencrypted += len(stale.get(obj.pk, []))
