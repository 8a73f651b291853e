"""What ODK Collect does, written from the ODK encryption specification for the tests.

https://getodk.github.io/xforms-spec/encryption: a random AES-256 key per submission,
wrapped with RSA-OAEP (SHA-256, MGF1-SHA-256); files encrypted AES/CFB/PKCS5Padding,
media first and the XML last, the IV from MD5(instanceID + key) with byte n % 16
incremented before file n; and an MD5 element signature, RSA-OAEP encrypted.
"""

import base64
import hashlib
import os
import uuid
from xml.etree.ElementTree import Element, SubElement, tostring

from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from defusedxml.ElementTree import fromstring

NS = "http://opendatakit.org/submissions"
ORX = "http://openrosa.org/xforms"
XF = "http://www.w3.org/2002/xforms"


def _oaep():
    return OAEP(mgf=MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def _cfb_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(key), CFB(iv)).encryptor()
    return enc.update(padded) + enc.finalize()


def public_key_of(xform: str) -> str:
    """Read `base64RsaPublicKey` from a downloaded XForm's submission element."""
    root = fromstring(xform.encode("utf-8"))
    node = root.find(f".//{{{XF}}}submission")
    assert node is not None, "the XForm has no <submission> element"
    return node.get("base64RsaPublicKey")


def instance_xml(form_id: str, version: str, values: dict, instance_id: str) -> bytes:
    """The filled-in form as Collect writes it: `<data id=… version=…>` with meta."""
    root = Element("data", {"id": form_id, "version": version})
    for name, value in values.items():
        SubElement(root, name).text = value
    meta = SubElement(root, "meta")
    SubElement(meta, "instanceID").text = instance_id
    return tostring(root, encoding="utf-8")


def encrypt(
    public_b64: str,
    form_id: str,
    version: str,
    xml: bytes,
    media: list[tuple[str, bytes]],
    instance_id: str,
) -> tuple[bytes, dict[str, bytes]]:
    """Return (manifest XML, {encrypted file name: bytes}) for one submission."""
    public = serialization.load_der_public_key(base64.b64decode(public_b64))
    key = os.urandom(32)
    b64_key = base64.b64encode(public.encrypt(key, _oaep())).decode()
    seed = bytearray(hashlib.md5(instance_id.encode("utf-8") + key).digest())
    files: dict[str, bytes] = {}
    signed = [form_id, version, b64_key, instance_id]
    for counter, (name, data) in enumerate([*media, ("submission.xml", xml)]):
        seed[counter % 16] = (seed[counter % 16] + 1) & 0xFF
        files[name + ".enc"] = _cfb_encrypt(key, bytes(seed), data)
        signed.append(f"{name}::{hashlib.md5(data).hexdigest()}")
    digest = hashlib.md5(("\n".join(signed) + "\n").encode("utf-8")).digest()
    signature = base64.b64encode(public.encrypt(digest, _oaep())).decode()
    root = Element(f"{{{NS}}}data", {"encrypted": "yes", "id": form_id, "version": version})
    SubElement(root, f"{{{NS}}}base64EncryptedKey").text = b64_key
    meta = SubElement(root, f"{{{ORX}}}meta")
    SubElement(meta, f"{{{ORX}}}instanceID").text = instance_id
    for name, _data in media:
        SubElement(SubElement(root, f"{{{NS}}}media"), f"{{{NS}}}file").text = name + ".enc"
    SubElement(root, f"{{{NS}}}encryptedXmlFile").text = "submission.xml.enc"
    SubElement(root, f"{{{NS}}}base64EncryptedElementSignature").text = signature
    return tostring(root, encoding="utf-8"), files


def basic(username: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()


PHOTO_1 = b"\xff\xd8\xff\xe0" + os.urandom(40_000) + b"\xff\xd9"
PHOTO_2 = b"\xff\xd8\xff\xe0" + os.urandom(55_000) + b"\xff\xd9"


class Collect:
    """An ODK Collect phone: form list, download, HEAD, then an encrypted POST."""

    def __init__(self, client, username: str, secret: str):
        self.client = client
        self.auth = basic(username, secret)
        self.forms: dict[str, dict] = {}

    def get(self, url, **extra):
        return self.client.get(
            url, HTTP_AUTHORIZATION=self.auth, HTTP_X_OPENROSA_VERSION="1.0", **extra
        )

    def form_list(self):
        response = self.get("/odk/formList")
        assert response.status_code == 200, response.content
        ns = "{http://openrosa.org/xforms/xformsList}"
        root = fromstring(response.content)
        for item in root.findall(f"{ns}xform"):
            self.forms[item.find(f"{ns}formID").text] = {
                "version": item.find(f"{ns}version").text,
                "hash": item.find(f"{ns}hash").text,
                "download": item.find(f"{ns}downloadUrl").text,
                "manifest": item.find(f"{ns}manifestUrl").text,
            }
        return self.forms

    def download(self, form_id: str) -> str:
        form = self.forms[form_id]
        response = self.get(form["download"])
        assert response.status_code == 200
        xform = response.content.decode("utf-8")
        assert form["hash"] == "md5:" + hashlib.md5(response.content).hexdigest()
        form["xform"] = xform
        form["public_key"] = public_key_of(xform)
        return xform

    def head(self):
        return self.client.head(
            "/odk/submission", HTTP_AUTHORIZATION=self.auth, HTTP_X_OPENROSA_VERSION="1.0"
        )

    def encrypted(self, form_id: str, values: dict, media=(), instance_id=None, version=None):
        form = self.forms[form_id]
        instance_id = instance_id or f"uuid:{uuid.uuid4()}"
        version = version or form["version"]
        xml = instance_xml(form_id, version, values, instance_id)
        manifest, files = encrypt(
            form["public_key"], form_id, version, xml, list(media), instance_id
        )
        return instance_id, manifest, files

    def post(self, manifest: bytes, files: dict[str, bytes]):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {
            "xml_submission_file": SimpleUploadedFile(
                "submission.xml", manifest, content_type="text/xml"
            )
        }
        for name, content in files.items():
            data[name] = SimpleUploadedFile(name, content, content_type="application/octet-stream")
        return self.client.post(
            "/odk/submission",
            data,
            HTTP_AUTHORIZATION=self.auth,
            HTTP_X_OPENROSA_VERSION="1.0",
        )

    def submit(self, form_id: str, values: dict, media=(), **kw):
        instance_id, manifest, files = self.encrypted(form_id, values, media, **kw)
        return instance_id, self.post(manifest, files)


def message_of(response) -> str:
    root = fromstring(response.content)
    node = root.find("{http://openrosa.org/http/response}message")
    return node.text if node is not None else ""
