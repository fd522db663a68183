"""Attachments to follow-up reports: what is accepted, judged by the content and never by the name or the
browser's content type, and images re-encoded so that no metadata (EXIF, GPS, XMP, comments) is stored.

`attachment_clean(data)` returns the kind and the bytes to store, or raises AttachmentRefused with words for
the person uploading.
"""

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# Larger images are refused before they are decoded: a small file can unpack into gigabytes of pixels.
MAX_PIXELS = 40_000_000

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class AttachmentRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanAttachment:
    kind: str  # FollowUpAttachment.Kind
    content: bytes


def sniff(data: bytes) -> str | None:
    """The kind the first bytes say the file is; None for anything else (an executable, a text, a Word file)."""
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    return None


def attachment_clean(data: bytes) -> CleanAttachment:
    """Check an uploaded file by its content and return what may be stored (AttachmentRefused otherwise)."""
    if len(data) > MAX_BYTES:
        raise AttachmentRefused(_("Filen er for stor: et bilag må højst fylde 10 MB."))
    if not data:
        raise AttachmentRefused(_("Filen er tom."))
    kind = sniff(data)
    if kind is None:
        raise AttachmentRefused(_("Filen er ikke en PDF, JPEG eller PNG. Kun de tre filtyper kan vedhæftes."))
    if kind == "pdf":
        _check_pdf(data)
        return CleanAttachment(kind, data)
    return CleanAttachment(kind, _reencode(data, kind))


def _check_pdf(data: bytes) -> None:
    refused = AttachmentRefused(_("Filen ligner en PDF, men kan ikke åbnes som en. Gem den som PDF igen."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentRefused(_("PDF-filen er beskyttet med adgangskode. Vedhæft en udgave uden adgangskode."))
        if len(reader.pages) < 1:
            raise refused
    except AttachmentRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise refused from None


def _reencode(data: bytes, kind: str) -> bytes:
    """The image's pixels only, in a new file of the same type: EXIF (and its GPS), XMP, ICC and comments dropped.

    The EXIF orientation is applied first, so the picture stands as it was taken.
    """
    refused = AttachmentRefused(_("Billedet kan ikke læses. Gem det som JPEG eller PNG igen."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind.upper():
                    raise refused
                if image.width * image.height > MAX_PIXELS:
                    raise AttachmentRefused(_("Billedet er for stort: højst 40 megapixel."))
                image.load()
                upright = ImageOps.exif_transpose(image)
    except AttachmentRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, ValueError):
        raise refused from None
    if kind == "jpeg":
        mode = upright.mode if upright.mode in ("RGB", "L") else "RGB"
    else:
        mode = upright.mode if upright.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
    upright = upright.convert(mode)
    # A new image from the pixel data alone: nothing of the old file's info travels with it.
    clean = Image.frombytes(mode, upright.size, upright.tobytes())
    out = io.BytesIO()
    if kind == "jpeg":
        clean.save(out, format="JPEG", quality=90)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()
