"""Transnational referral packages: HTCDS JSON, encrypted with a passphrase and signed.

Layout (one JSON file):

    {"format": "himoya-referral-package", "version": 1,
     "kdf": {"name": "scrypt", "salt": …, "n": 32768, "r": 8, "p": 1},
     "cipher": "AES-256-GCM", "nonce": …, "ciphertext": …,
     "signer": {"alg": "Ed25519", "public_key": …, "fingerprint": …},
     "signature": …}

The key comes from the passphrase through Scrypt (the sender tells the receiver the
passphrase by another channel); AES-GCM authenticates the ciphertext under the header.
The sending system signs the whole envelope with Ed25519, so the receiver can check who
sent it with the public key alone, before decrypting, and without sharing any secret —
which an HMAC could not do across two systems. Binary values are base64 (standard).
"""

import base64
import hashlib
import json
import os
from functools import lru_cache

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "himoya-referral-package"
VERSION = 1
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12


class PackageError(Exception):
    """Malformed, changed, signed by someone else, or opened with the wrong passphrase."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _derive_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


@lru_cache(maxsize=4)
def _signing_key_from(secret: str) -> Ed25519PrivateKey:
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"himoya-referral-package-signing"
    ).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key() -> Ed25519PrivateKey:
    """Return this installation's package-signing key, derived from its secret key."""
    from django.conf import settings

    return _signing_key_from(settings.SECRET_KEY)


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw)


def fingerprint(public_key_b64: str) -> str:
    """Return a short, readable fingerprint of a public key (to compare by phone)."""
    digest = hashlib.sha256(_unb64(public_key_b64)).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def seal(payload: dict, passphrase: str, *, signer: Ed25519PrivateKey) -> bytes:
    """Encrypt `payload` under the passphrase and sign the envelope."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"passphrase shorter than {MIN_PASSPHRASE} characters")
    salt, nonce = os.urandom(16), os.urandom(12)
    public = public_key_text(signer.public_key())
    header = {
        "format": FORMAT,
        "version": VERSION,
        "kdf": {"name": "scrypt", "salt": _b64(salt), **SCRYPT},
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
        "signer": {"alg": "Ed25519", "public_key": public, "fingerprint": fingerprint(public)},
    }
    key = _derive_key(passphrase, salt, **SCRYPT)
    ciphertext = AESGCM(key).encrypt(nonce, _canonical(payload), _canonical(header))
    envelope = {**header, "ciphertext": _b64(ciphertext)}
    envelope["signature"] = _b64(signer.sign(_canonical(envelope)))
    return json.dumps(envelope, indent=1, sort_keys=True).encode()


def verify(data: bytes, *, public_key: str | None = None) -> dict:
    """Check the envelope's format and signature; return it (still encrypted)."""
    try:
        envelope = json.loads(data)
        signature = _unb64(envelope.pop("signature"))
        signer = envelope["signer"]
        if envelope.get("format") != FORMAT or envelope.get("version") != VERSION:
            raise PackageError("not a Himoya referral package of a known version")
        if signer.get("alg") != "Ed25519":
            raise PackageError("unknown signature algorithm")
        if public_key is not None and signer["public_key"] != public_key.strip():
            raise PackageError("signed by a different key than the one expected")
        key = Ed25519PublicKey.from_public_bytes(_unb64(signer["public_key"]))
        key.verify(signature, _canonical(envelope))
    except PackageError:
        raise
    except InvalidSignature as exc:
        raise PackageError("the signature does not match: the package was changed") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PackageError(f"malformed package: {exc}") from exc
    return envelope


def open_package(data: bytes, passphrase: str, *, public_key: str | None = None) -> dict:
    """Verify the signature, then decrypt; return the payload."""
    envelope = verify(data, public_key=public_key)
    header = {k: v for k, v in envelope.items() if k != "ciphertext"}
    kdf = envelope["kdf"]
    if kdf.get("name") != "scrypt":
        raise PackageError("unknown key derivation")
    try:
        key = _derive_key(passphrase, _unb64(kdf["salt"]), kdf["n"], kdf["r"], kdf["p"])
        plain = AESGCM(key).decrypt(
            _unb64(envelope["nonce"]), _unb64(envelope["ciphertext"]), _canonical(header)
        )
    except InvalidTag as exc:
        raise PackageError("wrong passphrase, or the package was changed") from exc
    return json.loads(plain)
