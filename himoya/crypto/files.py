"""Files that hold identity data, encrypted at rest (AES-256-GCM, streamed in chunks).

A file starts with a header naming the key id it was written under (so
`himoya rotate-field-key` and a key list of old and new keys keep older files readable):

    b"HXF1" | key-id length (1 byte) | key id | nonce prefix (7 bytes) | chunk size (4 bytes)

then chunks of at most `chunk size` plaintext bytes, each sealed with its own nonce
(prefix | 4-byte counter | 1 byte set on the last chunk, as in the STREAM construction)
and the header as associated data. A chunk cannot be moved, dropped, repeated or
truncated away without the read failing, and only one chunk is ever held in memory.

`EncryptedStorage` is the Django storage for every file field that holds identity data;
it keeps files in a private directory (0700 folders, 0600 files) outside the web root.
`private_dir()` is the place for transient plaintext that a library needs on disk (the
system temporary directory is never used: see `CoreConfig.ready`).
"""

import io
import os
import struct
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from himoya.crypto import keys

MAGIC = b"HXF1"
CHUNK = 64 * 1024
TAG = 16
PREFIX_BYTES = 7


@lru_cache(maxsize=16)
def _aead(master: bytes) -> AESGCM:
    return AESGCM(keys._derive(master, b"himoya-file-encryption"))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def is_encrypted(head: bytes) -> bool:
    """Tell whether bytes read from the start of a file begin an encrypted file."""
    return head.startswith(MAGIC)


class EncryptingWriter(io.RawIOBase):
    """Write plaintext; the underlying binary file receives the sealed chunks."""

    def __init__(self, raw, chunk_size: int = CHUNK):
        kid, master = keys._keys()[0]
        kid_bytes = kid.encode()
        self._raw = raw
        self._aead = _aead(master)
        self._prefix = os.urandom(PREFIX_BYTES)
        self._chunk = chunk_size
        self.header = (
            MAGIC
            + bytes([len(kid_bytes)])
            + kid_bytes
            + self._prefix
            + struct.pack(">I", chunk_size)
        )
        raw.write(self.header)
        self._buffer = bytearray()
        self._counter = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        # Keep at least one byte back: the last chunk is only known at close().
        while len(self._buffer) > self._chunk:
            self._seal(bytes(self._buffer[: self._chunk]), last=False)
            del self._buffer[: self._chunk]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, last)
        self._raw.write(self._aead.encrypt(nonce, plain, self.header))
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._raw.flush()
        super().close()


class DecryptionError(Exception):
    """An encrypted file is damaged, truncated, or under a key that is not configured."""


class DecryptingReader(io.RawIOBase):
    """Read (and seek in) the plaintext of an encrypted file, one chunk in memory at a time.

    All chunks but the last are full, so a position maps to a chunk: zipfile and openpyxl
    can read an encrypted XLSX without a plaintext copy. The last chunk is authenticated
    at once, so a file cut at a chunk boundary is refused before anything is read.
    """

    def __init__(self, raw):
        self._raw = raw
        head = raw.read(5)
        if len(head) < 5 or not is_encrypted(head):
            raise DecryptionError("not an encrypted file")
        kid_len = head[4]
        rest = raw.read(kid_len + PREFIX_BYTES + 4)
        if len(rest) < kid_len + PREFIX_BYTES + 4:
            raise DecryptionError("truncated header")
        self.key_id = rest[:kid_len].decode("ascii", "replace")
        master = dict(keys._keys()).get(self.key_id)
        if master is None:
            raise DecryptionError(f"unknown key id {self.key_id!r}")
        self._aead = _aead(master)
        self._prefix = rest[kid_len : kid_len + PREFIX_BYTES]
        (self._chunk,) = struct.unpack(">I", rest[kid_len + PREFIX_BYTES :])
        if not self._chunk:
            raise DecryptionError("bad chunk size")
        self.header = head + rest
        self._start = len(self.header)
        raw.seek(0, io.SEEK_END)
        sealed_len = raw.tell() - self._start
        step = self._chunk + TAG
        self._count = max(1, -(-sealed_len // step))
        self._size = sealed_len - self._count * TAG
        if self._size < 0:
            raise DecryptionError("truncated file")
        self._pos = 0
        self._cached: tuple[int, bytes] = (-1, b"")
        self._plain_chunk(self._count - 1)

    def _plain_chunk(self, index: int) -> bytes:
        if self._cached[0] == index:
            return self._cached[1]
        step = self._chunk + TAG
        self._raw.seek(self._start + index * step)
        sealed = self._raw.read(step)
        last = index == self._count - 1
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, index, last), sealed, self.header)
        except InvalidTag as exc:
            raise DecryptionError("an encrypted file failed authentication") from exc
        self._cached = (index, plain)
        return plain

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer) -> int:
        if self._pos >= self._size:
            return 0
        index, offset = divmod(self._pos, self._chunk)
        plain = self._plain_chunk(index)
        n = min(len(buffer), len(plain) - offset)
        buffer[:n] = plain[offset : offset + n]
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def open_reader(path) -> io.BufferedReader:
    """Open an encrypted file for reading its plaintext."""
    return io.BufferedReader(DecryptingReader(open(path, "rb")), buffer_size=CHUNK)


def encrypt_file(source, target) -> None:
    """Encrypt the plaintext file `source` into `target` (written 0600)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "wb") as out, open(source, "rb") as src:
        writer = EncryptingWriter(out)
        while block := src.read(CHUNK):
            writer.write(block)
        writer.close()


def decrypt_to(path, target) -> None:
    """Decrypt an encrypted file into `target` (written 0600, for a library that needs a path)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "wb") as out, open_reader(path) as src:
        while block := src.read(CHUNK):
            out.write(block)


def private_dir(*parts: str) -> Path:
    """Return a folder under the private files root, created 0700."""
    path = Path(settings.HIMOYA_PRIVATE_ROOT, *parts)
    make_private(path)
    return path


def make_private(path: Path) -> None:
    """Create `path` and any missing parents as 0700 folders; tighten the folder itself."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


class _EncryptedFile(File):
    """A stored file as the storage hands it out: reads give plaintext."""

    def __init__(self, path: str, name: str):
        super().__init__(open_reader(path), name=name)
        self._path = path

    @property
    def size(self):
        return self.file.raw._size

    def chunks(self, chunk_size=None):
        self.file.seek(0)
        while block := self.file.read(chunk_size or CHUNK):
            yield block


@deconstructible(path="himoya.crypto.files.EncryptedStorage")
class EncryptedStorage(FileSystemStorage):
    """Keep files encrypted under the field key, in the private directory, owner-only."""

    def __init__(self, subdir: str = ""):
        self.subdir = subdir
        super().__init__(
            location=None,
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
        )

    @property
    def base_location(self):
        return str(Path(settings.HIMOYA_PRIVATE_ROOT) / self.subdir)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Encrypted files are served only through their audited views.")

    def deconstruct(self):
        return ("himoya.crypto.files.EncryptedStorage", (self.subdir,), {})

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted files are written only through save().")
        return _EncryptedFile(self.path(name), name)

    def _save(self, name, content):
        full = Path(self.path(name))
        make_private(full.parent)
        for root in (Path(self.location),):
            make_private(root)
        # O_EXCL: never write into a file someone else prepared.
        while True:
            try:
                fd = os.open(full, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                break
            except FileExistsError:
                name = self.get_available_name(name)
                full = Path(self.path(name))
        with open(fd, "wb") as out:
            writer = EncryptingWriter(out)
            if hasattr(content, "seek"):
                content.seek(0)
            for block in (
                content.chunks()
                if hasattr(content, "chunks")
                else iter(lambda: content.read(CHUNK), b"")
            ):
                writer.write(block)
            writer.close()
        return str(full.relative_to(self.location)).replace(os.sep, "/")

    def size(self, name):
        with open_reader(self.path(name)) as reader:
            return reader.raw._size


def identity_storage():
    """Return the storage for files that hold identity data (used by model fields)."""
    return EncryptedStorage()
