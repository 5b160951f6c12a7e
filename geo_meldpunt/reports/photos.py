"""Photo checks and the stored copy. Content is sniffed by decoding it, never trusted from the name.

The work per request is bounded (issue 11: a 7,700 x 7,700 PNG of 249 KB, sent five times, held a web worker 14 s
and grew it by 780 MB). Only the header is read before the size is known; a JPEG is then decoded at reduced size
(`draft`: the decoder itself scales by 1/2, 1/4 or 1/8, so a 48-megapixel photo costs what a 12-megapixel one does);
formats that cannot be decoded reduced (PNG, WebP) are refused above REPORTS_PHOTO_MAX_PIXELS_UNREDUCED; and the
pixels one request decodes in all are counted against a PhotoBudget (REPORTS_PHOTO_REQUEST_MAX_PIXELS).
"""

from __future__ import annotations

import io
import math
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from geo_meldpunt.core.errors import ApplicationError

# Formats a phone or camera produces; anything else (SVG, PDF, executables renamed .jpg) is refused.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "MPO": "jpg"}
# Formats whose decoder can scale while decoding (Pillow's draft): the JPEG family.
REDUCIBLE_FORMATS = {"JPEG", "MPO"}
# Decompression bomb guard on the header: 60 megapixels is above any phone camera's default.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class PreparedPhoto:
    content: ContentFile
    size: int


class PhotoBudget:
    """The pixels one request may still decode, over all its photos (REPORTS_PHOTO_REQUEST_MAX_PIXELS).

    Five photos of a 16-megapixel phone (80 MP decoded) fit; the same JPEG at 48 MP decodes at a quarter of that.
    """

    def __init__(self, pixels: int | None = None) -> None:
        self.remaining = settings.REPORTS_PHOTO_REQUEST_MAX_PIXELS if pixels is None else pixels

    def spend(self, pixels: int, *, name: str) -> None:
        if pixels > self.remaining:
            raise ApplicationError(
                _("Together the photos have too many pixels; “%(name)s” is one too many. Send fewer or smaller photos.")
                % {"name": name},
                field="photos",
                code="too_many_pixels",
            )
        self.remaining -= pixels


def _too_many_pixels(name: str, max_pixels: int) -> ApplicationError:
    return ApplicationError(
        _("The photo “%(name)s” has too many pixels (at most %(max)s megapixels for this format).")
        % {"name": name, "max": max_pixels // 1_000_000},
        field="photos",
        code="too_many_pixels",
    )


def _not_a_photo(name: str) -> ApplicationError:
    return ApplicationError(
        _("The file “%(name)s” is not a photo (JPEG, PNG or WebP).") % {"name": name},
        field="photos",
        code="not_an_image",
    )


def photo_prepare(upload, *, budget: PhotoBudget | None = None) -> PreparedPhoto:
    """Decode, check and re-encode an upload. Raises ApplicationError(field="photos") when unusable.

    `budget`: the request's PhotoBudget, shared by all its photos (a fresh one when None). Re-encoding drops every
    EXIF tag (GPS position, camera serial, owner) from the stored copy; the orientation tag is applied so the photo
    is not stored sideways.
    """
    budget = budget if budget is not None else PhotoBudget()
    if upload.size > settings.REPORTS_PHOTO_MAX_BYTES:
        raise ApplicationError(
            _("The photo “%(name)s” is larger than %(max)d MB.")
            % {"name": upload.name, "max": settings.REPORTS_PHOTO_MAX_BYTES // (1024 * 1024)},
            field="photos",
            code="too_large",
        )
    data = upload.read()
    try:
        # The header only: format and size, nothing decoded yet. verify() checks the structure (a PNG's chunk
        # checksums) without decompressing the pixels.
        with warnings.catch_warnings():
            # Pillow warns of sizes it finds large; this module refuses them itself, just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt, (width, height) = probe.format, probe.size
                probe.verify()
    except Image.DecompressionBombError:  # the header claims far more pixels than Pillow allows at all
        raise _too_many_pixels(upload.name, MAX_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_a_photo(upload.name) from None
    if fmt not in ACCEPTED_FORMATS:
        raise _not_a_photo(upload.name)
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(upload.name, MAX_PIXELS)
    unreduced_max = settings.REPORTS_PHOTO_MAX_PIXELS_UNREDUCED
    if fmt not in REDUCIBLE_FORMATS and width * height > unreduced_max:
        raise _too_many_pixels(upload.name, unreduced_max)

    side = settings.REPORTS_PHOTO_MAX_SIDE
    try:
        image = Image.open(io.BytesIO(data))
        if fmt in REDUCIBLE_FORMATS:
            # The size the stored copy will have: the decoder picks the largest 1/1..1/8 scale still at least that.
            scale = min(1.0, side / max(width, height))
            image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
        budget.spend(image.width * image.height, name=upload.name)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_a_photo(upload.name) from None
    # Scaled before turning: the box is square, so the result is the same, and the turn copies a small image.
    image.thumbnail((side, side))
    upright: Image.Image = ImageOps.exif_transpose(image)
    upright.info = {}  # no EXIF, XMP, ICC comments or PNG text chunks are carried into the stored copy
    out = io.BytesIO()
    if fmt == "PNG":
        ext = "png"
        upright.save(out, format="PNG", optimize=True)
    else:
        ext = "jpg"
        rgb = upright if upright.mode in ("RGB", "L") else upright.convert("RGB")
        rgb.save(out, format="JPEG", quality=85, optimize=True)
    payload = out.getvalue()
    return PreparedPhoto(content=ContentFile(payload, name=f"{uuid.uuid4().hex}.{ext}"), size=len(payload))
