"""Signed consent forms: only PDF documents and photographs, recognised by their content."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 7,000 x 5,700 scan; more is a decompression bomb, not a form
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}
PDF = ("pdf", "application/pdf")
CONTENT_TYPES = {ext: ctype for ext, ctype in [PDF, *IMAGE_FORMATS.values()]}

NOT_A_FORM = _("Upload the signed form as a PDF document or a JPEG or PNG photograph.")


def _read_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise ValueError("no pages")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ValidationError(NOT_A_FORM, code="not_a_form") from exc


def _read_image(data: bytes) -> str:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            if fmt not in IMAGE_FORMATS or img.width * img.height > MAX_PIXELS:
                raise ValueError(fmt)
            img.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(NOT_A_FORM, code="not_a_form") from exc
    except Image.DecompressionBombError as exc:
        raise ValidationError(NOT_A_FORM, code="not_a_form") from exc
    return fmt


def check_signed_form(upload) -> str:
    """Return the file extension its content proves (pdf, jpg, png), or raise ValidationError.

    The name and the browser's content type are ignored: a program renamed `form.pdf` is
    refused, and a scan named `IMG_0042` is accepted.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The signed form is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data[:1024].lstrip().startswith(b"%PDF-") or data.startswith(b"%PDF-"):
        _read_pdf(data)
        return PDF[0]
    return IMAGE_FORMATS[_read_image(data)][0]
