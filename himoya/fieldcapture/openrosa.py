"""OpenRosa documents: responses Collect reads, and the submission manifest it sends."""

from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

from himoya.fieldcapture.odkcrypto import NS, ORX, Manifest

VERSION = "1.0"
RESPONSE_NS = "http://openrosa.org/http/response"
FORMLIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
XML_TYPE = "text/xml; charset=utf-8"


class SubmissionError(Exception):
    """A submission that is refused: the status and the message Collect shows."""

    def __init__(self, status: int, message: str, log: str):
        super().__init__(log)
        self.status = status
        self.message = message
        self.log = log


def max_submission_bytes() -> int:
    return int(getattr(settings, "HIMOYA_ODK_MAX_SUBMISSION_BYTES", 20 * 1024 * 1024))


def xml_response(root: Element, status: int = 200) -> HttpResponse:
    body = b"<?xml version='1.0' encoding='UTF-8' ?>\n" + tostring(root, encoding="utf-8")
    response = HttpResponse(body, status=status, content_type=XML_TYPE)
    return with_headers(response)


def with_headers(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["X-OpenRosa-Version"] = VERSION
    response["X-OpenRosa-Accept-Content-Length"] = str(max_submission_bytes())
    return response


def message(text: str, status: int, nature: str = "") -> HttpResponse:
    """An OpenRosaResponse envelope with one message (Collect shows it to the user)."""
    root = Element("OpenRosaResponse", xmlns=RESPONSE_NS)
    msg = SubElement(root, "message")
    if nature:
        msg.set("nature", nature)
    msg.text = str(text)
    return xml_response(root, status)


def _text(parent: Element, tag: str) -> str:
    node = parent.find(tag)
    return (node.text or "").strip() if node is not None else ""


def parse_xml(data: bytes) -> Element:
    try:
        return fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise ValueError("not XML") from exc


def parse_manifest(root: Element) -> Manifest | None:
    """Read an encrypted submission's manifest; None if the XML is not one."""
    if root.tag != f"{{{NS}}}data" or root.get("encrypted", "").lower() != "yes":
        return None
    return Manifest(
        form_id=root.get("id", ""),
        version=root.get("version", ""),
        instance_id=_text(root, f"{{{ORX}}}meta/{{{ORX}}}instanceID"),
        b64_key=_text(root, f"{{{NS}}}base64EncryptedKey"),
        xml_file=_text(root, f"{{{NS}}}encryptedXmlFile"),
        media=[
            (f.text or "").strip()
            for f in root.findall(f"{{{NS}}}media/{{{NS}}}file")
            if (f.text or "").strip()
        ],
        b64_signature=_text(root, f"{{{NS}}}base64EncryptedElementSignature"),
    )


def instance_values(root: Element) -> dict[str, str]:
    """Return {element name: text} of the leaves of a decrypted submission."""
    values: dict[str, str] = {}
    for node in root.iter():
        if len(node) == 0:
            name = node.tag.rpartition("}")[2]
            values.setdefault(name, (node.text or "").strip())
    return values
