/*
 * The GPS position a phone wrote into a JPEG photo's EXIF, read in the browser with a DataView (no library).
 * Used only to propose the photo's place as the pin; the server stores photos without any EXIF.
 *
 * JPEG: segments FF xx + 16-bit length; APP1 (FF E1) starting "Exif\0\0" holds a TIFF structure: byte order
 * ("II" little-endian or "MM" big-endian), 42, the offset of IFD0. IFD0's tag 0x8825 points at the GPS IFD, whose
 * tags 1-4 are the latitude reference ("N"/"S"), latitude (3 rationals: degrees, minutes, seconds), longitude
 * reference ("E"/"W") and longitude. Every offset is bounds-checked: a damaged photo gives null, never an error.
 */

// Metadata sits at the start of the file; 256 KB covers even large maker notes and thumbnails.
const HEAD_BYTES = 256 * 1024;

const TAG_GPS_IFD = 0x8825;
const GPS_LAT_REF = 1;
const GPS_LAT = 2;
const GPS_LON_REF = 3;
const GPS_LON = 4;
const TYPE_ASCII = 2;
const TYPE_RATIONAL = 5;
const TYPE_SRATIONAL = 10;

/** {lat, lon} from a photo File or Blob, or null when it carries no usable GPS position. */
export async function gpsFromFile(file) {
  try {
    const buffer = await file.slice(0, HEAD_BYTES).arrayBuffer();
    return gpsFromJpeg(new DataView(buffer));
  } catch {
    return null;
  }
}

export function gpsFromJpeg(view) {
  try {
    return readJpeg(view);
  } catch {
    return null; // RangeError on a truncated or damaged file
  }
}

function readJpeg(view) {
  if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null; // not a JPEG
  let offset = 2;
  while (offset + 4 <= view.byteLength) {
    const marker = view.getUint16(offset);
    if ((marker & 0xff00) !== 0xff00) return null;
    if (marker === 0xffda || marker === 0xffd9) return null; // image data starts: no metadata after this
    const length = view.getUint16(offset + 2);
    if (marker === 0xffe1 && isExifHeader(view, offset + 4)) {
      const tiffStart = offset + 10;
      const tiffEnd = Math.min(view.byteLength, offset + 2 + length);
      const position = readTiff(view, tiffStart, tiffEnd);
      if (position) return position;
    }
    offset += 2 + length;
  }
  return null;
}

function isExifHeader(view, at) {
  if (at + 6 > view.byteLength) return false;
  const text = String.fromCharCode(
    view.getUint8(at),
    view.getUint8(at + 1),
    view.getUint8(at + 2),
    view.getUint8(at + 3),
  );
  return text === "Exif" && view.getUint16(at + 4) === 0;
}

function readTiff(view, start, end) {
  const order = view.getUint16(start);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const little = order === 0x4949;
  const size = end - start;
  const inside = (at, bytes) => at >= 0 && at + bytes <= size;
  const u16 = (at) => view.getUint16(start + at, little);
  const u32 = (at) => view.getUint32(start + at, little);
  const i32 = (at) => view.getInt32(start + at, little);

  if (!inside(0, 8) || u16(2) !== 42) return null;

  function entries(ifdOffset) {
    if (!inside(ifdOffset, 2)) return new Map();
    const count = u16(ifdOffset);
    const found = new Map();
    for (let i = 0; i < count; i += 1) {
      const at = ifdOffset + 2 + i * 12;
      if (!inside(at, 12)) break;
      found.set(u16(at), { type: u16(at + 2), count: u32(at + 4), valueAt: at + 8 });
    }
    return found;
  }

  function ascii(entry) {
    if (!entry || entry.type !== TYPE_ASCII) return "";
    const at = entry.count <= 4 ? entry.valueAt : u32(entry.valueAt);
    if (!inside(at, 1)) return "";
    return String.fromCharCode(view.getUint8(start + at)).toUpperCase();
  }

  function degrees(entry) {
    if (!entry || entry.count !== 3 || (entry.type !== TYPE_RATIONAL && entry.type !== TYPE_SRATIONAL)) return null;
    const at = u32(entry.valueAt);
    if (!inside(at, 24)) return null;
    const parts = [0, 1, 2].map((i) => {
      const numerator = entry.type === TYPE_RATIONAL ? u32(at + i * 8) : i32(at + i * 8);
      const denominator = entry.type === TYPE_RATIONAL ? u32(at + i * 8 + 4) : i32(at + i * 8 + 4);
      return denominator === 0 ? NaN : numerator / denominator;
    });
    return parts[0] + parts[1] / 60 + parts[2] / 3600;
  }

  const ifd0 = entries(u32(4));
  const gpsPointer = ifd0.get(TAG_GPS_IFD);
  if (!gpsPointer) return null;
  const gps = entries(u32(gpsPointer.valueAt));
  let lat = degrees(gps.get(GPS_LAT));
  let lon = degrees(gps.get(GPS_LON));
  if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (ascii(gps.get(GPS_LAT_REF)) === "S") lat = -lat;
  if (ascii(gps.get(GPS_LON_REF)) === "W") lon = -lon;
  // 0,0 is what some cameras write when they had no fix.
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
  return { lat, lon };
}
