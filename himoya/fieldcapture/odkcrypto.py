"""ODK encrypted submissions, as the ODK XForms encryption specification describes them.

https://getodk.github.io/xforms-spec/encryption — in short: the phone draws a random
AES-256 key per submission and wraps it with the form's RSA public key
(RSA/NONE/OAEPWithSHA256AndMGF1Padding: OAEP with SHA-256 and MGF1-SHA-256); each file is
encrypted with AES/CFB/PKCS5Padding (CFB-128 with PKCS#7 padding), media files first and
the XML last, each with its own IV: the MD5 of the instance ID and the AES key, with byte
`n % 16` incremented before the n-th file (n from 0). The manifest's signature is the MD5
of "form id, version, wrapped key, instance ID, then `name::md5` of each original file, in
the order of encryption", one per line with a final newline, RSA-OAEP encrypted likewise.
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

NS = "http://opendatakit.org/submissions"
ORX = "http://openrosa.org/xforms"
KEY_BITS = 2048
ENC = ".enc"


class DecryptionFailed(Exception):
    """The submission could not be decrypted, or its signature does not match."""


def oaep() -> OAEP:
    return OAEP(mgf=MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def new_key_pair() -> tuple[str, str]:
    """Return (private key PEM, public key as base64 DER, as `base64RsaPublicKey` wants)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, base64.b64encode(der).decode("ascii")


@lru_cache(maxsize=64)
def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Load a form version's private key (kept: checking an RSA key costs ~50 ms).

    The PEM comes out of authenticated encryption under the field key (AES-GCM), so it is
    the key Himoya generated: the costly consistency check of its numbers is skipped.
    """
    key = serialization.load_pem_private_key(
        pem.encode("ascii"), password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def load_public_key(b64: str) -> rsa.RSAPublicKey:
    key = serialization.load_der_public_key(base64.b64decode(b64))
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def iv_seed(instance_id: str, aes_key: bytes) -> bytearray:
    return bytearray(hashlib.md5(instance_id.encode("utf-8") + aes_key).digest())


def next_iv(seed: bytearray, counter: int) -> bytes:
    """Advance the seed for file number `counter` (from 0) and return it as the IV."""
    seed[counter % 16] = (seed[counter % 16] + 1) % 256
    return bytes(seed)


def aes_cfb_encrypt(key: bytes, iv: bytes, plain: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.AES(key), CFB(iv)).encryptor()
    return enc.update(padded) + enc.finalize()


def aes_cfb_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), CFB(iv)).decryptor()
    padded = dec.update(data) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise DecryptionFailed("bad padding") from exc


def signature_source(
    form_id: str, version: str, b64_key: str, instance_id: str, files: list[tuple[str, bytes]]
) -> bytes:
    """The text whose MD5 the phone signs: one element per line, a final newline."""
    lines = [form_id, *([version] if version else []), b64_key, instance_id]
    lines += [f"{name}::{hashlib.md5(data).hexdigest()}" for name, data in files]
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class Manifest:
    """The submission manifest: what Collect posts as `xml_submission_file`."""

    form_id: str
    version: str
    instance_id: str
    b64_key: str
    xml_file: str
    media: list[str] = field(default_factory=list)
    b64_signature: str = ""

    @property
    def file_names(self) -> list[str]:
        return [*self.media, self.xml_file]


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecryptionFailed("not base64") from exc


def _plain_name(enc_name: str) -> str:
    return enc_name[: -len(ENC)] if enc_name.endswith(ENC) else enc_name


def decrypt(
    private_key: rsa.RSAPrivateKey, manifest: Manifest, files: dict[str, bytes]
) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Return (submission XML, [(media name, bytes)]), or raise DecryptionFailed.

    A manifest without a signature, or whose signature does not match the decrypted
    files, is refused: it may have been tampered with.
    """
    try:
        aes_key = private_key.decrypt(_b64(manifest.b64_key), oaep())
    except ValueError as exc:
        raise DecryptionFailed("the key does not open with this form version") from exc
    if len(aes_key) != 32:
        raise DecryptionFailed("not an AES-256 key")
    seed = iv_seed(manifest.instance_id, aes_key)
    plain: list[tuple[str, bytes]] = []
    for counter, name in enumerate(manifest.file_names):
        if name not in files:
            raise DecryptionFailed("a file named in the manifest is missing")
        iv = next_iv(seed, counter)
        plain.append((_plain_name(name), aes_cfb_decrypt(aes_key, iv, files[name])))
    if not manifest.b64_signature:
        raise DecryptionFailed("no signature")
    try:
        signed = private_key.decrypt(_b64(manifest.b64_signature), oaep())
    except ValueError as exc:
        raise DecryptionFailed("the signature does not open") from exc
    expected = hashlib.md5(
        signature_source(
            manifest.form_id, manifest.version, manifest.b64_key, manifest.instance_id, plain
        )
    ).digest()
    if not hmac.compare_digest(signed, expected):
        raise DecryptionFailed("the signature does not match")
    return plain[-1][1], plain[:-1]
