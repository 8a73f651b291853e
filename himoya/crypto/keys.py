"""Field keys: authenticated encryption (AES-256-GCM) and keyed blind indexes.

HIMOYA_FIELD_KEY holds one or more keys as `id:base64url-key`, comma-separated; the first
is current and encrypts new values, the others only decrypt older values until
`himoya rotate-field-key` has re-encrypted them. Each stored value names its key id.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "hx1"


class DecryptionError(Exception):
    """A stored value could not be authenticated with any known key."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@lru_cache(maxsize=8)
def parse_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    """Parse `id:key,id:key` into (id, 32-byte master key) pairs, current first."""
    keys = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        kid, sep, b64 = part.partition(":")
        if not sep or not kid or ":" in b64:
            raise ImproperlyConfigured("HIMOYA_FIELD_KEY must look like 'id:base64key[,id:key]'.")
        raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        if len(raw) < 16:
            raise ImproperlyConfigured("Each field key needs at least 16 random bytes.")
        keys.append((kid, raw))
    if not keys:
        raise ImproperlyConfigured("HIMOYA_FIELD_KEY is empty.")
    return tuple(keys)


def new_key_spec(kid: str) -> str:
    """Return a fresh `id:key` entry for HIMOYA_FIELD_KEY."""
    return f"{kid}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


def _keys():
    return parse_keys(settings.FIELD_KEY)


@lru_cache(maxsize=16)
def _aead(kid: str, master: bytes) -> AESGCM:
    return AESGCM(_derive(master, b"himoya-field-encryption"))


def current_key_id() -> str:
    return _keys()[0][0]


def encrypt(plaintext: str, context: str = "") -> str:
    """Encrypt text with the current key; `context` binds the value to its column."""
    kid, master = _keys()[0]
    nonce = os.urandom(12)
    ct = _aead(kid, master).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + ct).decode()}"


def key_id_of(stored: str) -> str | None:
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(stored: str, context: str = "") -> str:
    """Decrypt a stored value with the key it names."""
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not an encrypted value")
    _, kid, b64 = parts
    for known_id, master in _keys():
        if known_id == kid:
            blob = base64.urlsafe_b64decode(b64)
            try:
                return _aead(kid, master).decrypt(blob[:12], blob[12:], context.encode()).decode()
            except Exception as exc:  # InvalidTag: tampered or wrong column
                raise DecryptionError(f"value under key {kid!r} failed authentication") from exc
    raise DecryptionError(f"unknown key id {kid!r}")


@lru_cache(maxsize=16)
def _index_key(master: bytes) -> bytes:
    return _derive(master, b"himoya-blind-index")


def blind_index(value: str, purpose: str) -> str:
    """Return a keyed hash for exact look-ups of a normalised value (never reversible)."""
    _, master = _keys()[0]
    msg = f"{purpose}\x00{value}".encode()
    return hmac.new(_index_key(master), msg, hashlib.sha256).hexdigest()
