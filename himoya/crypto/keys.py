"""Field keys: authenticated encryption (AES-256-GCM) and keyed blind indexes.

HIMOYA_FIELD_KEY holds one or more keys as `id:base64url-key`, comma-separated; the first
is current and encrypts new values, the others only decrypt older values until
`himoya rotate-field-key` has re-encrypted them. Each stored value names its key id:
`hx1:<key id>:<base64url(nonce + ciphertext + tag)>`.

Blind indexes (keyed HMAC-SHA256 for exact look-ups) use a key of their own,
HIMOYA_INDEX_KEY, which does not change when the field key rotates; otherwise every index
would have to be recomputed at every rotation. `himoya new-field-key ID` prints a fresh
key entry for either setting.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from himoya.core.text import search_fold

PREFIX = "hx1"
NONCE_BYTES = 12
TAG_BYTES = 16
MIN_KEY_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class DecryptionError(Exception):
    """A stored value could not be authenticated with any known key."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


def _decode_key(b64: str, setting: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{setting}: a key is not valid base64url.") from exc
    if len(raw) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(f"{setting}: each key needs at least 16 random bytes.")
    return raw


@lru_cache(maxsize=8)
def parse_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    """Parse `id:key,id:key` into (id, master key) pairs, current first."""
    keys: list[tuple[str, bytes]] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        kid, sep, b64 = part.partition(":")
        if not sep or not KEY_ID.match(kid) or not b64 or ":" in b64:
            raise ImproperlyConfigured(
                "HIMOYA_FIELD_KEY must look like 'id:base64key[,older-id:key]' "
                "(ids of letters, digits, '_', '.', '-')."
            )
        if any(kid == known for known, _ in keys):
            raise ImproperlyConfigured(f"HIMOYA_FIELD_KEY names key id {kid!r} twice.")
        keys.append((kid, _decode_key(b64, "HIMOYA_FIELD_KEY")))
    if not keys:
        raise ImproperlyConfigured("HIMOYA_FIELD_KEY is empty.")
    return tuple(keys)


def new_key_spec(kid: str) -> str:
    """Return a fresh `id:key` entry for HIMOYA_FIELD_KEY (or HIMOYA_INDEX_KEY)."""
    if not KEY_ID.match(kid):
        raise ValueError("A key id is 1-32 letters, digits, '_', '.' or '-'.")
    return f"{kid}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


def _keys() -> tuple[tuple[str, bytes], ...]:
    return parse_keys(settings.FIELD_KEY)


def key_ids() -> list[str]:
    """Return the configured key ids, current first."""
    return [kid for kid, _ in _keys()]


@lru_cache(maxsize=16)
def _aead(master: bytes) -> AESGCM:
    return AESGCM(_derive(master, b"himoya-field-encryption"))


def current_key_id() -> str:
    return _keys()[0][0]


def encrypt(plaintext: str, context: str = "") -> str:
    """Encrypt text with the current key; `context` binds the value to its column."""
    kid, master = _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    ct = _aead(master).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + ct).decode()}"


def key_id_of(stored: str) -> str | None:
    """Return the key id a stored value names, or None if it is not an encrypted value."""
    parts = stored.split(":", 2) if isinstance(stored, str) else []
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(stored: str, context: str = "") -> str:
    """Decrypt a stored value with the key it names; raise DecryptionError if it fails."""
    parts = stored.split(":", 2) if isinstance(stored, str) else []
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not an encrypted value")
    _, kid, b64 = parts
    master = dict(_keys()).get(kid)
    if master is None:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        blob = base64.urlsafe_b64decode(b64.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise DecryptionError(f"value under key {kid!r} is not valid base64") from exc
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"value under key {kid!r} is too short")
    try:
        plain = _aead(master).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
    except InvalidTag as exc:  # tampered, or moved from another column
        raise DecryptionError(f"value under key {kid!r} failed authentication") from exc
    return plain.decode()


# --- blind indexes -------------------------------------------------------------------


@lru_cache(maxsize=4)
def _index_key(spec: str) -> bytes:
    spec = spec.strip()
    if not spec:
        raise ImproperlyConfigured("HIMOYA_INDEX_KEY is empty.")
    # Accept a bare base64url key or an `id:key` entry as `himoya new-field-key` prints it.
    b64 = spec.rpartition(":")[2]
    return _derive(_decode_key(b64, "HIMOYA_INDEX_KEY"), b"himoya-blind-index")


def normalise_for_index(text) -> str:
    """Fold text so that look-ups ignore case, spacing, ё/е and legacy Tajik glyphs."""
    if text is None:
        return ""
    return search_fold(str(text))


def blind_index(value, purpose: str, *, normalise: bool = True) -> str:
    """Return a keyed hash for exact look-ups of a value (never reversible).

    `purpose` separates indexes of different fields (`"cases.person.family_name"`), so
    equal values in two columns do not share an index. Values are normalised with
    `normalise_for_index` unless `normalise=False`; an empty value indexes as "".
    """
    text = normalise_for_index(value) if normalise else ("" if value is None else str(value))
    if not text:
        return ""
    msg = f"{purpose}\x00{text}".encode()
    return hmac.new(_index_key(settings.INDEX_KEY), msg, hashlib.sha256).hexdigest()
