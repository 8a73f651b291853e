"""Decryption follows the ODK encryption specification, and refuses what was tampered with."""

import base64
import hashlib

import pytest

from himoya.fieldcapture import odkcrypto
from himoya.fieldcapture.tests import odk


@pytest.fixture(scope="module")
def keys():
    pem, public = odkcrypto.new_key_pair()
    return odkcrypto.load_private_key(pem), public


def _manifest(manifest_xml: bytes):
    from himoya.fieldcapture import openrosa

    return openrosa.parse_manifest(openrosa.parse_xml(manifest_xml))


def test_iv_is_md5_of_instance_id_and_key_incremented_per_file():
    key = bytes(range(32))
    seed = odkcrypto.iv_seed("uuid:abc", key)
    digest = hashlib.md5(b"uuid:abc" + key).digest()
    first = odkcrypto.next_iv(seed, 0)
    second = odkcrypto.next_iv(seed, 1)
    assert first[0] == (digest[0] + 1) % 256 and first[1:] == digest[1:]
    assert second[0] == first[0] and second[1] == (digest[1] + 1) % 256
    # The 17th file increments byte 0 again: the counter runs modulo 16.
    for n in range(2, 17):
        last = odkcrypto.next_iv(seed, n)
    assert last[0] == (digest[0] + 2) % 256


def test_byte_255_wraps_to_0():
    seed = bytearray([255] * 16)
    assert odkcrypto.next_iv(seed, 0)[0] == 0


def test_a_submission_encrypted_per_the_specification_decrypts(keys):
    private, public = keys
    xml = odk.instance_xml("f", "7", {"a": "Ҳа"}, "uuid:1")
    media = [("one.jpg", odk.PHOTO_1), ("two.jpg", b"")]  # an empty file pads to 16 bytes
    manifest_xml, files = odk.encrypt(public, "f", "7", xml, media, "uuid:1")
    plain, decrypted_media = odkcrypto.decrypt(private, _manifest(manifest_xml), files)
    assert plain == xml
    assert decrypted_media == media
    assert len(files["two.jpg.enc"]) == 16


def test_a_flipped_bit_is_refused(keys):
    private, public = keys
    xml = odk.instance_xml("f", "7", {"a": "x" * 100}, "uuid:1")
    manifest_xml, files = odk.encrypt(public, "f", "7", xml, [], "uuid:1")
    body = bytearray(files["submission.xml.enc"])
    body[5] ^= 0x10  # CFB: the plaintext changes, the padding survives, the signature fails
    files["submission.xml.enc"] = bytes(body)
    with pytest.raises(odkcrypto.DecryptionFailed, match="signature"):
        odkcrypto.decrypt(private, _manifest(manifest_xml), files)


def test_a_changed_version_or_reordered_media_is_refused(keys):
    private, public = keys
    xml = odk.instance_xml("f", "7", {}, "uuid:1")
    media = [("one.jpg", b"1" * 20), ("two.jpg", b"2" * 20)]
    manifest_xml, files = odk.encrypt(public, "f", "7", xml, media, "uuid:1")
    manifest = _manifest(manifest_xml)
    manifest.version = "8"
    with pytest.raises(odkcrypto.DecryptionFailed):
        odkcrypto.decrypt(private, manifest, files)
    manifest = _manifest(manifest_xml)
    manifest.media.reverse()
    with pytest.raises(odkcrypto.DecryptionFailed):
        odkcrypto.decrypt(private, manifest, files)


def test_a_manifest_without_signature_is_refused(keys):
    private, public = keys
    xml = odk.instance_xml("f", "7", {}, "uuid:1")
    manifest_xml, files = odk.encrypt(public, "f", "7", xml, [], "uuid:1")
    manifest = _manifest(manifest_xml)
    manifest.b64_signature = ""
    with pytest.raises(odkcrypto.DecryptionFailed, match="no signature"):
        odkcrypto.decrypt(private, manifest, files)


def test_another_forms_key_does_not_open_it(keys):
    _private, public = keys
    other_private = odkcrypto.load_private_key(odkcrypto.new_key_pair()[0])
    xml = odk.instance_xml("f", "7", {}, "uuid:1")
    manifest_xml, files = odk.encrypt(public, "f", "7", xml, [], "uuid:1")
    with pytest.raises(odkcrypto.DecryptionFailed):
        odkcrypto.decrypt(other_private, _manifest(manifest_xml), files)


def test_wrapped_key_uses_oaep_with_sha256_and_mgf1_sha256(keys):
    """What Java's RSA/NONE/OAEPWithSHA256AndMGF1Padding (Bouncy Castle) produces."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP

    private, public = keys
    wrapped = odkcrypto.load_public_key(public).encrypt(
        b"k" * 32, OAEP(mgf=MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    )
    assert private.decrypt(wrapped, odkcrypto.oaep()) == b"k" * 32
    sha1_mgf = odkcrypto.load_public_key(public).encrypt(
        b"k" * 32, OAEP(mgf=MGF1(hashes.SHA1()), algorithm=hashes.SHA256(), label=None)
    )
    with pytest.raises(ValueError):
        private.decrypt(sha1_mgf, odkcrypto.oaep())
    assert base64.b64decode(public)  # base64 DER, as base64RsaPublicKey wants
