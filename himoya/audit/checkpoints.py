"""Signed checkpoints of the audit chain, kept outside the database.

`himoya audit checkpoint` (run on a schedule: deploy/himoya-audit-checkpoint.timer)
writes one small JSON file to HIMOYA_AUDIT_CHECKPOINT_DIR: how many events the chain
holds, the last event's id and hash, and the time, signed with the Ed25519 key derived
from HIMOYA_AUDIT_KEY. `himoya audit verify` checks every checkpoint it finds there
against the database, so an emptied table or a history rewritten from the start is
detected without anybody noting an anchor by hand. Copy the directory off the machine
(or mount it append-only) so that whoever controls the database cannot reach it.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from himoya.audit import keys
from himoya.audit.models import GENESIS, AuditEvent, AuditHead

FORMAT = "himoya-audit-checkpoint/1"
FIELDS = ("format", "count", "last_id", "last_hash", "at")


@dataclass
class Checkpoint:
    path: Path
    count: int
    last_id: int
    last_hash: str
    at: str
    signed: bool

    @property
    def name(self) -> str:
        return self.path.name


def _canonical(data: dict) -> bytes:
    return json.dumps({k: data[k] for k in FIELDS}, sort_keys=True).encode()


def directory() -> Path:
    return Path(settings.HIMOYA_AUDIT_CHECKPOINT_DIR)


def write_checkpoint(folder: Path | None = None) -> Checkpoint:
    """Sign the chain's current end and write it as a new file; return it."""
    folder = Path(folder or directory())
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with transaction.atomic():
        # The head lock keeps an append from slipping between the two reads.
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    last_id, last_hash = last if last else (head.base_id, head.base_hash or GENESIS)
    now = timezone.now()
    data = {
        "format": FORMAT,
        "count": head.count,
        "last_id": last_id,
        "last_hash": last_hash,
        "at": now.isoformat(timespec="microseconds"),
    }
    data["signature"] = keys.sign(_canonical(data))
    name = f"checkpoint-{now:%Y%m%dT%H%M%S%fZ}-{head.count}.json"
    path = folder / name
    tmp = folder / f".{name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, sort_keys=True, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return Checkpoint(path, head.count, last_id, last_hash, str(data["at"]), True)


def read_checkpoints(folder: Path | None = None) -> list[Checkpoint]:
    """Return every checkpoint file in the folder, oldest first, each with its verdict."""
    folder = Path(folder or directory())
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("checkpoint-*.json")):
        try:
            data = json.loads(path.read_text())
            signed = data.get("format") == FORMAT and keys.signature_holds(
                _canonical(data), str(data.get("signature", ""))
            )
            found.append(
                Checkpoint(
                    path,
                    int(data["count"]),
                    int(data["last_id"]),
                    str(data["last_hash"]),
                    str(data["at"]),
                    signed,
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            found.append(Checkpoint(path, 0, 0, "", "", False))
    found.sort(key=lambda c: (c.at, c.count))
    return found
