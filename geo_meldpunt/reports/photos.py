"""Photo checks and the stored copy. Content is sniffed by decoding it, never trusted from the name."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from geo_meldpunt.core.errors import ApplicationError

# Formats a phone or camera produces; anything else (SVG, PDF, executables renamed .jpg) is refused.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "MPO": "jpg"}
# Decompression bomb guard: 60 megapixels is above any phone camera.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class PreparedPhoto:
    content: ContentFile
    size: int


def photo_prepare(upload) -> PreparedPhoto:
    """Decode, check and re-encode an upload. Raises ApplicationError(field="photos") when unusable.

    Re-encoding drops every EXIF tag (GPS position, camera serial, owner) from the stored copy; the
    orientation tag is applied first so the photo is not stored sideways.
    """
    if upload.size > settings.REPORTS_PHOTO_MAX_BYTES:
        raise ApplicationError(
            _("The photo “%(name)s” is larger than %(max)d MB.")
            % {"name": upload.name, "max": settings.REPORTS_PHOTO_MAX_BYTES // (1024 * 1024)},
            field="photos",
            code="too_large",
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ApplicationError(
                    _("The photo “%(name)s” has too many pixels.") % {"name": upload.name},
                    field="photos",
                    code="too_large",
                )
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ApplicationError(
            _("The file “%(name)s” is not a photo (JPEG, PNG or WebP).") % {"name": upload.name},
            field="photos",
            code="not_an_image",
        ) from None
    if fmt not in ACCEPTED_FORMATS:
        raise ApplicationError(
            _("The file “%(name)s” is not a photo (JPEG, PNG or WebP).") % {"name": upload.name},
            field="photos",
            code="not_an_image",
        )
    upright: Image.Image = ImageOps.exif_transpose(image)
    upright.info = {}  # no EXIF, XMP, ICC comments or PNG text chunks are carried into the stored copy
    upright.thumbnail((settings.REPORTS_PHOTO_MAX_SIDE, settings.REPORTS_PHOTO_MAX_SIDE))
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
