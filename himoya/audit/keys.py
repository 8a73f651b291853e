"""The audit key (HIMOYA_AUDIT_KEY): it keys the chain and signs its checkpoints.

The key lives in the environment, never in the database: a database superuser who edits
an event and recomputes every later hash cannot produce the keyed hashes. Two keys are
derived from it (HKDF), one per use: an HMAC-SHA256 key for the chain, and an Ed25519
key pair for checkpoints, so a checkpoint can be checked by anyone holding only the
public key (`himoya audit checkpoint --public-key`), and a checkpoint copied elsewhere
cannot be forged from there.
"""

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_BYTES = 16


@lru_cache(maxsize=4)
def _master(spec: str) -> bytes:
    # A bare base64url key, or an `id:key` entry as `himoya new-field-key` prints it.
    b64 = spec.strip().rpartition(":")[2]
    try:
        raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("HIMOYA_AUDIT_KEY is not valid base64url.") from exc
    if len(raw) < MIN_KEY_BYTES:
        raise ImproperlyConfigured("HIMOYA_AUDIT_KEY needs at least 16 random bytes.")
    return raw


def _derive(purpose: bytes, spec: str | None = None) -> bytes:
    master = _master(spec if spec is not None else settings.AUDIT_KEY)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@lru_cache(maxsize=4)
def _chain_key(spec: str) -> bytes:
    return _derive(b"himoya-audit-chain", spec)


def chain_mac(message: bytes) -> str:
    """Return the keyed hash (HMAC-SHA256, hex) of one link of the chain."""
    return hmac.new(_chain_key(settings.AUDIT_KEY), message, hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _signing_key(spec: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_derive(b"himoya-audit-checkpoint", spec))


def sign(message: bytes) -> str:
    """Sign a checkpoint with the Ed25519 key derived from the audit key (base64)."""
    return base64.b64encode(_signing_key(settings.AUDIT_KEY).sign(message)).decode()


def public_key() -> str:
    """Return the checkpoints' public key, base64 of the raw 32 bytes."""
    raw = (
        _signing_key(settings.AUDIT_KEY)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode()


def signature_holds(message: bytes, signature: str) -> bool:
    """Tell whether `signature` was made over `message` with this audit key."""
    from cryptography.exceptions import InvalidSignature

    try:
        raw = base64.b64decode(signature, validate=True)
        _signing_key(settings.AUDIT_KEY).public_key().verify(raw, message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
