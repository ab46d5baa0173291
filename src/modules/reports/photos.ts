import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type MaybeStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

declare module '../../platform/db/schema.ts' {
  interface Database {
    reports_photo: {
      id: Generated<number>;
      organisation_id: number;
      report_id: number | null;
      update_id: number | null;
      author_id: number | null;
      pending_token: string | null;
      content_type: PhotoType;
      byte_size: number;
      sha256: string;
      data: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
      created_at: CreatedAt;
      hidden_at: MaybeStamp;
      hidden_reason: string | null;
    };
  }
}

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** Largest photo accepted, before metadata is stripped. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** Photos one submission or update may carry. */
export const MAX_PHOTOS = 3;

export type PhotoCheck = { ok: true; type: PhotoType; data: Buffer } | { error: 'PHOTO_NOT_IMAGE' | 'PHOTO_TOO_LARGE' };

/** What the file really is, by its first bytes (never by its name or the browser's claimed type). */
export function sniffImageType(data: Uint8Array): PhotoType | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (data.length >= 8 && png.every((byte, index) => data[index] === byte)) return 'image/png';
  const ascii = (from: number, to: number) => Buffer.from(data.subarray(from, to)).toString('latin1');
  if (data.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * Checks an uploaded photo (type by magic bytes, size) and returns it with its location and camera
 * metadata removed. A file whose structure does not parse is refused as "not an image".
 */
export function preparePhoto(data: Uint8Array, truncated = false): PhotoCheck {
  if (truncated || data.length > MAX_PHOTO_BYTES) return { error: 'PHOTO_TOO_LARGE' };
  const type = sniffImageType(data);
  if (!type) return { error: 'PHOTO_NOT_IMAGE' };
  const stripped = type === 'image/jpeg' ? stripJpeg(data) : type === 'image/png' ? stripPng(data) : stripWebp(data);
  return stripped ? { ok: true, type, data: stripped } : { error: 'PHOTO_NOT_IMAGE' };
}

/**
 * Removes APP1 (Exif with GPS, XMP) and APP13 (IPTC) segments from a JPEG. When the Exif said the
 * picture is rotated, a minimal Exif holding only that orientation is put back, so the photo still
 * shows upright. The compressed image data after SOS is copied unchanged.
 */
export function stripJpeg(input: Uint8Array): Buffer | undefined {
  const data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (data.readUInt16BE(0) !== 0xffd8) return undefined;
  const kept: Buffer[] = [data.subarray(0, 2)];
  let orientation = 1;
  let position = 2;
  while (position < data.length) {
    if (data[position] !== 0xff) return undefined;
    const marker = data[position + 1];
    if (marker === undefined) return undefined;
    if (marker === 0xff) {
      position++; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      kept.push(data.subarray(position, position + 2));
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      kept.push(data.subarray(position, position + 2));
      position += 2;
      continue;
    }
    if (position + 4 > data.length) return undefined;
    const length = data.readUInt16BE(position + 2);
    const end = position + 2 + length;
    if (length < 2 || end > data.length) return undefined;
    if (marker === 0xda) {
      // start of scan: the rest is image data (with its own markers) up to the end of the file
      kept.push(data.subarray(position));
      break;
    }
    if (marker === 0xe1) {
      orientation = readExifOrientation(data.subarray(position + 4, end)) ?? orientation;
    } else if (marker !== 0xed) {
      kept.push(data.subarray(position, end));
    }
    position = end;
  }
  if (orientation !== 1) kept.splice(1, 0, orientationSegment(orientation));
  return Buffer.concat(kept);
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 Exif payload, if any. */
function readExifOrientation(payload: Buffer): number | undefined {
  if (payload.length < 14 || payload.toString('latin1', 0, 6) !== 'Exif\0\0') return undefined;
  const tiff = payload.subarray(6);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  try {
    const ifd = u32(4);
    const count = u16(ifd);
    for (let index = 0; index < count; index++) {
      const entry = ifd + 2 + index * 12;
      if (u16(entry) === 0x0112) {
        const value = u16(entry + 8);
        return value >= 1 && value <= 8 ? value : undefined;
      }
    }
  } catch {
    return undefined; // a broken Exif block is dropped entirely
  }
  return undefined;
}

/** An APP1 segment with a big-endian TIFF header and one IFD0 entry: Orientation. */
function orientationSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  tiff.writeUInt32BE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

const PNG_METADATA = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

/** Removes the eXIf chunk and the text chunks (which carry XMP and comments) from a PNG. */
export function stripPng(input: Uint8Array): Buffer | undefined {
  const data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const kept: Buffer[] = [data.subarray(0, 8)];
  let position = 8;
  let sawEnd = false;
  while (position + 12 <= data.length) {
    const length = data.readUInt32BE(position);
    const type = data.toString('latin1', position + 4, position + 8);
    const end = position + 12 + length;
    if (end > data.length || !/^[A-Za-z]{4}$/.test(type)) return undefined;
    if (!PNG_METADATA.has(type)) kept.push(data.subarray(position, end));
    position = end;
    if (type === 'IEND') {
      sawEnd = true;
      break;
    }
  }
  return sawEnd ? Buffer.concat(kept) : undefined;
}

/** Removes the EXIF and XMP chunks of a WebP and clears their flags in the VP8X header. */
export function stripWebp(input: Uint8Array): Buffer | undefined {
  const data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const chunks: Buffer[] = [];
  let position = 12;
  while (position + 8 <= data.length) {
    const type = data.toString('latin1', position, position + 4);
    const length = data.readUInt32LE(position + 4);
    const end = position + 8 + length + (length % 2);
    if (position + 8 + length > data.length) return undefined;
    if (type !== 'EXIF' && type !== 'XMP ') {
      const chunk = Buffer.from(data.subarray(position, Math.min(end, data.length)));
      if (type === 'VP8X' && chunk.length > 8) chunk[8] = (chunk[8] as number) & ~0x0c;
      chunks.push(chunk);
    }
    position = end;
  }
  if (chunks.length === 0) return undefined;
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
