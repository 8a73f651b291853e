"""Encrypted, verified backups: a PostgreSQL dump and the private files, and their restore.

A backup is a folder `himoya-<UTC time>/` (0700) holding

- `database.pgdump.hxf`: `pg_dump --format=custom`, streamed from pg_dump's output
  straight into the encrypted file format of `himoya.crypto.files` (AES-256-GCM in
  64 KiB chunks): no plaintext dump is ever written to disk;
- `files.tar.hxf`: a tar stream of HIMOYA_PRIVATE_ROOT (files already encrypted one by
  one; the tar is encrypted again so names and sizes do not show), without the transient
  `tmp/` and `imports/` folders;
- `manifest.json`: sizes and SHA-256 of both files, the audit chain's count and head,
  the field key id, signed with the audit key's Ed25519 key.

Encrypted under the field key (HIMOYA_FIELD_KEY, its current entry; the header names its
id). Why not a key of its own: restoring needs the field keys anyway (identity columns
inside the dump are encrypted under them), so a separate backup key would be one more
secret that must survive a disaster, protecting nothing the field key does not already
protect. Keep an old field key in the list (or in the safe) while backups under it are
kept. Whoever holds the backup files without the keys reads nothing.

Verified: once written, both files are read back through decryption — every chunk
authenticated, the dump read to its end by `pg_restore` (to /dev/null), every tar member
read — and compared with the manifest.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from himoya.audit import keys as audit_keys
from himoya.crypto import keys as field_keys
from himoya.crypto.files import CHUNK, EncryptingWriter, open_reader

DATABASE = "database.pgdump.hxf"
FILES = "files.tar.hxf"
MANIFEST = "manifest.json"
FORMAT = "himoya-backup/1"
TRANSIENT = ("tmp", "imports")
PIPE_BLOCK = 1024 * 1024


class BackupError(Exception):
    """A backup could not be written, verified or restored; the message says why."""


@dataclass
class Backup:
    folder: Path
    manifest: dict


def pg_env(settings_dict: dict | None = None) -> dict:
    """Return the environment that points pg_dump / pg_restore at the database."""
    db = settings_dict or connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise BackupError("Backups need PostgreSQL (pg_dump); this database is not.")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            raise BackupError(f"{tool} is missing: install postgresql-client.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(PIPE_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _private_file(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return open(fd, "wb")


def _dump_database(target: Path) -> None:
    """Stream pg_dump's custom-format output into an encrypted file."""
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
    with _private_file(target) as out:
        writer = EncryptingWriter(out)
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=pg_env()
        )
        assert process.stdout is not None and process.stderr is not None
        while block := process.stdout.read(PIPE_BLOCK):
            writer.write(block)
        errors = process.stderr.read().decode(errors="replace")
        if process.wait() != 0:
            raise BackupError(f"pg_dump failed: {errors.strip()[:500]}")
        writer.close()


def _tar_private_files(target: Path) -> int:
    """Write the persistent private files as an encrypted tar stream; return their count."""
    root = Path(settings.HIMOYA_PRIVATE_ROOT)
    count = 0
    with _private_file(target) as out:
        writer = EncryptingWriter(out)
        with tarfile.open(fileobj=writer, mode="w|") as tar:
            if root.is_dir():
                for path in sorted(root.rglob("*")):
                    relative = path.relative_to(root)
                    if relative.parts[0] in TRANSIENT or not path.is_file():
                        continue
                    tar.add(path, arcname=str(relative), recursive=False)
                    count += 1
        writer.close()
    return count


def _audit_state() -> dict:
    from himoya.audit.models import AuditHead

    head = AuditHead.objects.filter(pk=1).first()
    return {"count": head.count if head else 0, "head": head.last_hash if head else ""}


def _signed(manifest: dict) -> dict:
    body = json.dumps(manifest, sort_keys=True).encode()
    return {**manifest, "signature": audit_keys.sign(body)}


def _signature_holds(manifest: dict) -> bool:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return audit_keys.signature_holds(
        json.dumps(body, sort_keys=True).encode(), str(manifest.get("signature", ""))
    )


def make_backup(destination: Path | None = None, *, acting_user=None) -> Backup:
    """Write, verify and return a new backup in `destination` (HIMOYA_BACKUP_DIR)."""
    from himoya.audit.actions import Action, record
    from himoya.audit.checkpoints import write_checkpoint

    _require_postgres()
    destination = Path(destination or settings.HIMOYA_BACKUP_DIR)
    destination.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = timezone.now()
    folder = destination / f"himoya-{now:%Y%m%dT%H%M%SZ}"
    folder.mkdir(mode=0o700)
    try:
        # On record inside the backup itself, and anchored by a checkpoint, so the
        # restored copy's chain matches a checkpoint.
        record(Action.EXPORT, actor=acting_user, object_type="backups.backup", detail=folder.name)
        write_checkpoint()
        audit = _audit_state()
        _dump_database(folder / DATABASE)
        files = _tar_private_files(folder / FILES)
        manifest = _signed(
            {
                "format": FORMAT,
                "created": now.isoformat(),
                "field_key_id": field_keys.current_key_id(),
                "audit_count_at_least": audit["count"],
                "database": {
                    "name": DATABASE,
                    "bytes": (folder / DATABASE).stat().st_size,
                    "sha256": _sha256(folder / DATABASE),
                },
                "files": {
                    "name": FILES,
                    "bytes": (folder / FILES).stat().st_size,
                    "sha256": _sha256(folder / FILES),
                    "count": files,
                },
            }
        )
        with _private_file(folder / MANIFEST) as fh:
            fh.write(json.dumps(manifest, sort_keys=True, indent=1).encode())
        backup = Backup(folder, manifest)
        verify_backup(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return backup


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} holds no readable {MANIFEST}.") from exc
    if manifest.get("format") != FORMAT or not _signature_holds(manifest):
        raise BackupError(
            f"{folder}/{MANIFEST} is not signed with this audit key (HIMOYA_AUDIT_KEY): "
            "damaged, forged, or from another installation."
        )
    return manifest


def _check_file(folder: Path, entry: dict) -> Path:
    path = Path(folder) / entry["name"]
    if not path.is_file() or path.stat().st_size != entry["bytes"]:
        raise BackupError(f"{path.name} is missing or not the size the manifest says.")
    if _sha256(path) != entry["sha256"]:
        raise BackupError(f"{path.name} does not match the manifest's SHA-256.")
    return path


def _feed(path: Path, process: subprocess.Popen) -> None:
    """Decrypt `path` into a process's standard input, one chunk at a time."""
    assert process.stdin is not None
    try:
        with open_reader(path) as reader:
            while block := reader.read(CHUNK):
                process.stdin.write(block)
    except BrokenPipeError:
        pass  # the process stopped early; its exit status says why
    finally:
        process.stdin.close()


def verify_backup(folder: Path) -> dict:
    """Read a backup back through decryption and return what it holds; raise if it fails."""
    from himoya.crypto.files import DecryptionError

    folder = Path(folder)
    manifest = read_manifest(folder)
    database = _check_file(folder, manifest["database"])
    files = _check_file(folder, manifest["files"])
    try:
        process = subprocess.Popen(
            ["pg_restore", "--file=/dev/null"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _feed(database, process)
        errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if process.wait() != 0:
            raise BackupError(f"pg_restore cannot read the dump: {errors.strip()[:500]}")
        count = 0
        with open_reader(files) as reader, tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                if member.isfile():
                    extracted = tar.extractfile(member)
                    while extracted is not None and extracted.read(PIPE_BLOCK):
                        pass
                    count += 1
    except DecryptionError as exc:
        raise BackupError(f"The backup does not decrypt: {exc}.") from exc
    if count != manifest["files"]["count"]:
        raise BackupError(
            f"{FILES} holds {count} files; the manifest says so many: {manifest['files']['count']}."
        )
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        return cursor.fetchone()[0] == 0


def _private_root_is_empty() -> bool:
    root = Path(settings.HIMOYA_PRIVATE_ROOT)
    if not root.exists():
        return True
    return not any(
        p.is_file() for p in root.rglob("*") if p.relative_to(root).parts[0] not in TRANSIENT
    )


def restore_backup(folder: Path) -> dict:
    """Restore a verified backup into the configured, empty database and private root."""
    from himoya.audit.actions import Action, record
    from himoya.crypto.files import make_private

    _require_postgres()
    folder = Path(folder)
    manifest = verify_backup(folder)
    if not _database_is_empty():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty: restore only into "
            "a new database (createdb), never over a live one."
        )
    if not _private_root_is_empty():
        raise BackupError(
            f"HIMOYA_PRIVATE_ROOT ({settings.HIMOYA_PRIVATE_ROOT}) already holds files: "
            "restore into an empty folder."
        )
    connection.close()  # pg_restore works alone; Django reconnects afterwards
    process = subprocess.Popen(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=pg_env(),
    )
    _feed(_check_file(folder, manifest["database"]), process)
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.wait() != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {errors.strip()[:500]}")
    root = Path(settings.HIMOYA_PRIVATE_ROOT)
    make_private(root)
    restored = 0
    with (
        open_reader(_check_file(folder, manifest["files"])) as reader,
        tarfile.open(fileobj=reader, mode="r|") as tar,
    ):
        for member in tar:
            # The "data" filter refuses absolute paths, links out of the root and devices.
            tar.extract(member, root, filter="data")
            target = root / member.name
            if member.isfile():
                os.chmod(target, 0o600)
                restored += 1
            elif member.isdir():
                os.chmod(target, 0o700)
    for path in root.rglob("*"):
        if path.is_dir():
            os.chmod(path, 0o700)
    record(Action.IMPORT, object_type="backups.backup", detail=f"restored {folder.name}")
    return {**manifest, "restored_files": restored}


def old_backups(destination: Path, keep_days: float, now=None) -> list[Path]:
    """Return backup folders older than `keep_days` (the newest one is always kept)."""
    now = now or timezone.now()
    folders = sorted(Path(destination).glob("himoya-*"))
    cutoff = now - datetime.timedelta(days=keep_days)
    old = []
    for folder in folders[:-1]:
        try:
            made = datetime.datetime.strptime(folder.name, "himoya-%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.UTC
            )
        except ValueError:
            continue
        if made < cutoff:
            old.append(folder)
    return old
