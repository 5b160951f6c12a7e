"""Large test images made small on disk: what an attacker sends to make a server decode too many pixels."""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache

from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_of_zeros(width: int, height: int) -> bytes:
    """A complete, valid greyscale PNG of width x height black pixels, compressed about 1000:1 (a PNG bomb).

    Written chunk by chunk, so that making it never holds the decoded image in memory.
    """
    compressor = zlib.compressobj(6)
    block = b"\0" * ((width + 1) * 256)  # 256 rows: filter byte 0, then one byte per pixel
    full, rest = divmod(height, 256)
    parts = [compressor.compress(block) for _ in range(full)]
    idat = b"".join(parts) + compressor.compress(b"\0" * ((width + 1) * rest)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


@cache
def png_7700() -> bytes:
    """The issue's case: 7,700 x 7,700 (59.3 MP, under the 60 MP header limit), some hundreds of KB."""
    return png_of_zeros(7700, 7700)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose header (SOF0) claims width x height: the decoder would allocate for that size."""
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (200, 30, 30)).save(out, format="JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@cache
def jpeg_of(width: int, height: int) -> bytes:
    """A real JPEG photo-sized image: a gradient (so it is not a flat colour), quality 85."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()
