import io
import os
import stat

import pytest
from django.core.files.base import ContentFile

from himoya.crypto import files
from himoya.crypto.keys import new_key_spec, parse_keys

NAME = "Ҷамшед Раҳимов".encode()


def encrypt_bytes(data: bytes, chunk: int = files.CHUNK) -> bytes:
    out = io.BytesIO()
    writer = files.EncryptingWriter(out, chunk_size=chunk)
    writer.write(data)
    writer.close()
    return out.getvalue()


def decrypt_bytes(blob: bytes) -> bytes:
    return io.BufferedReader(files.DecryptingReader(io.BytesIO(blob))).read()


@pytest.mark.parametrize("size", [0, 1, 100, 4096, 4097, 3 * 4096 + 5])
def test_round_trip_over_chunk_boundaries(size):
    data = os.urandom(size)
    blob = encrypt_bytes(data, chunk=4096)
    assert decrypt_bytes(blob) == data


def test_ciphertext_holds_no_plaintext():
    blob = encrypt_bytes(NAME * 1000)
    assert NAME not in blob and "Ҷамшед".encode() not in blob
    assert blob.startswith(files.MAGIC)


def test_truncated_file_fails():
    blob = encrypt_bytes(os.urandom(10_000), chunk=4096)
    # Dropping the whole last chunk leaves only valid-looking chunks: still refused.
    with pytest.raises(files.DecryptionError):
        decrypt_bytes(blob[: -(10_000 - 2 * 4096 + files.TAG)])


def test_changed_byte_fails():
    blob = bytearray(encrypt_bytes(b"x" * 5000, chunk=4096))
    blob[-20] ^= 1
    with pytest.raises(files.DecryptionError):
        decrypt_bytes(bytes(blob))


def test_file_under_an_older_key_still_reads_after_rotation(settings):
    old = settings.FIELD_KEY
    blob = encrypt_bytes(NAME)
    settings.FIELD_KEY = f"{new_key_spec('next')},{old}"
    parse_keys.cache_clear()
    assert decrypt_bytes(blob) == NAME
    settings.FIELD_KEY = new_key_spec("other")
    with pytest.raises(files.DecryptionError, match="unknown key id"):
        decrypt_bytes(blob)


def test_storage_writes_private_encrypted_files(private_root):
    storage = files.EncryptedStorage()
    name = storage.save("consent-forms/2026/form.pdf", ContentFile(b"%PDF-1.4 " + NAME))
    path = private_root / name
    raw = path.read_bytes()
    assert NAME not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(private_root.stat().st_mode) == 0o700
    with storage.open(name) as fh:
        assert fh.read() == b"%PDF-1.4 " + NAME
    with pytest.raises(ValueError):
        storage.url(name)


def test_the_process_temporary_directory_is_private():
    import tempfile

    tmp = tempfile.gettempdir()
    # Not the system's shared directory (wherever the checkout itself lies).
    assert tmp.rstrip("/") not in ("/tmp", "/var/tmp") and os.environ["TMPDIR"] == tmp
    assert stat.S_IMODE(os.stat(tmp).st_mode) == 0o700


def test_reader_seeks_like_a_file_so_zip_readers_need_no_plain_copy(private_root):
    import zipfile

    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as zf:
        for i in range(5):
            zf.writestr(f"sheet{i}.xml", os.urandom(50_000).hex())
    storage = files.EncryptedStorage()
    name = storage.save("jobs/book.zip", ContentFile(plain.getvalue()))
    assert storage.size(name) == len(plain.getvalue())
    with storage.open(name) as fh, zipfile.ZipFile(fh) as zf:
        assert zf.read("sheet3.xml") == zipfile.ZipFile(plain).read("sheet3.xml")
