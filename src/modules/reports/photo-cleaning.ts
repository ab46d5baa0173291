import { crc32 } from 'node:zlib';

/**
 * Removes every piece of metadata from an uploaded image, keeping only what showing it needs: the
 * compressed picture, its colour information (ICC profile, Adobe colour transform, PNG colour chunks)
 * and, when the picture is rotated, an Exif block holding nothing but the Orientation tag.
 *
 * Each cleaner walks the file's whole structure and keeps what it knows by allow-list, so a kind of
 * metadata it has never heard of (a vendor's APPn segment, a C2PA manifest, a private PNG or RIFF chunk)
 * is dropped too. Whatever follows the first image — the second picture of a multi-picture JPEG (depth
 * or gain map, with its own Exif and GPS), a vendor trailer, anything appended — is cut off. A file
 * whose structure does not parse answers undefined and is refused; it is never stored as it came.
 */

export interface CleanedImage {
  data: Buffer;
  /** The largest picture the file declares, in pixels (width × height), for the size limit. */
  pixels: number;
}

const asBuffer = (input: Uint8Array): Buffer => Buffer.from(input.buffer, input.byteOffset, input.byteLength);

// ---------------------------------------------------------------------------------------------- Exif

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

/** The Orientation tag (0x0112) of IFD0 in a TIFF block (with or without the "Exif\0\0" header). */
export function readExifOrientation(block: Buffer): number | undefined {
  const tiff = block.subarray(0, 6).equals(EXIF_HEADER) ? block.subarray(6) : block;
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  try {
    const ifd = u32(4);
    const count = u16(ifd);
    for (let index = 0; index < count; index++) {
      const entry = ifd + 2 + index * 12;
      if (u16(entry) === 0x0112 && u16(entry + 2) === 3) {
        const value = u16(entry + 8);
        return value >= 1 && value <= 8 ? value : undefined;
      }
    }
  } catch {
    return undefined; // a broken Exif block is dropped entirely
  }
  return undefined;
}

/** A big-endian TIFF block with one IFD0 entry, Orientation, and nothing else. */
export function orientationTiff(orientation: number): Buffer {
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
  return tiff;
}

// ---------------------------------------------------------------------------------------------- JPEG

/** Start-of-frame markers (baseline, extended, progressive, lossless; Huffman or arithmetic) and DHP. */
const JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf, 0xde]);
/** Tables and parameters the decoder needs: DHT, DAC, DQT, DNL, DRI, EXP. */
const JPEG_TABLES = new Set([0xc4, 0xcc, 0xdb, 0xdc, 0xdd, 0xdf]);

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header[0] = 0xff;
  header[1] = marker;
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/**
 * The application segments a decoder needs, rebuilt from their fixed fields: JFIF (density, without its
 * thumbnail), an ICC profile part, and Adobe's colour transform. Undefined for every other APPn.
 */
function keptApplicationSegment(marker: number, payload: Buffer): Buffer | undefined {
  const signature = (text: string) => payload.toString('latin1', 0, text.length) === text;
  if (marker === 0xe0 && payload.length >= 14 && signature('JFIF\0'))
    return jpegSegment(marker, Buffer.concat([payload.subarray(0, 12), Buffer.from([0, 0])]));
  if (marker === 0xe2 && payload.length > 14 && signature('ICC_PROFILE\0')) return jpegSegment(marker, payload);
  if (marker === 0xee && payload.length >= 12 && signature('Adobe'))
    return jpegSegment(marker, payload.subarray(0, 12));
  return undefined;
}

/**
 * The end of the entropy-coded data that starts at `from`: the first 0xFF that begins a marker (not a
 * stuffed 0xFF00, a restart marker RSTn, or fill bytes before one). Answers the data's length when the
 * file ends inside it.
 */
function scanEnd(data: Buffer, from: number): { end: number; marker: boolean } {
  let at = from;
  for (;;) {
    const ff = data.indexOf(0xff, at);
    if (ff === -1) return { end: data.length, marker: false };
    let next = ff + 1;
    while (data[next] === 0xff) next++; // fill bytes
    const code = data[next];
    if (code === undefined) return { end: ff, marker: false };
    if (code === 0x00 || (code >= 0xd0 && code <= 0xd7)) {
      at = next + 1;
      continue;
    }
    return { end: ff, marker: true };
  }
}

/**
 * Walks a JPEG marker by marker, through every scan's entropy-coded data, up to the first image's EOI,
 * and rebuilds it from the segments a decoder needs. Exif, XMP, IPTC, MPF, C2PA, comments and every
 * other APPn are dropped, and so is everything after the EOI (MPF's second images, trailers).
 */
export function cleanJpeg(input: Uint8Array): CleanedImage | undefined {
  const data = asBuffer(input);
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  const head: Buffer[] = []; // the kept application segments, put before the tables and frame
  const body: Buffer[] = [];
  let orientation = 1;
  let pixels = 0;
  let scans = 0;
  let position = 2;
  for (;;) {
    if (position >= data.length) {
      if (scans === 0) return undefined;
      break; // the file ends between scans: the image is closed below
    }
    if (data[position] !== 0xff) return undefined;
    while (data[position] === 0xff) position++;
    const marker = data[position];
    if (marker === undefined) return undefined;
    position++;
    if (marker === 0xd9) break; // EOI: whatever follows is not kept
    if (marker === 0xd8 || marker === 0x00) return undefined;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // stray RSTn or TEM: no data
    if (position + 2 > data.length) return undefined;
    const length = data.readUInt16BE(position);
    const end = position + length;
    if (length < 2 || end > data.length) return undefined;
    const payload = data.subarray(position + 2, end);
    const whole = jpegSegment(marker, payload);
    if (JPEG_FRAMES.has(marker)) {
      if (payload.length < 6) return undefined;
      const height = payload.readUInt16BE(1);
      const width = payload.readUInt16BE(3);
      // a height of 0 (given later by DNL) is refused: the size must be known before decoding
      if (width === 0 || height === 0) return undefined;
      pixels = Math.max(pixels, width * height);
      body.push(whole);
    } else if (marker === 0xda) {
      if (pixels === 0) return undefined; // a scan before any frame header
      const scan = scanEnd(data, end);
      body.push(whole, data.subarray(end, scan.end));
      scans++;
      position = scan.end;
      if (!scan.marker) break; // the file ends inside the scan: the image is closed below
      continue;
    } else if (JPEG_TABLES.has(marker)) {
      body.push(whole);
    } else if (marker === 0xe1) {
      if (payload.subarray(0, 6).equals(EXIF_HEADER)) orientation = readExifOrientation(payload) ?? orientation;
    } else if (marker >= 0xe0 && marker <= 0xef) {
      const kept = keptApplicationSegment(marker, payload);
      if (kept) head.push(kept);
    }
    // COM (0xFE), JPGn (0xF0–0xFD) and the other markers are dropped
    position = end;
  }
  if (scans === 0) return undefined;
  const jfif = head.findIndex((segment) => segment[1] === 0xe0);
  if (orientation !== 1)
    head.splice(jfif + 1, 0, jpegSegment(0xe1, Buffer.concat([EXIF_HEADER, orientationTiff(orientation)])));
  return {
    data: Buffer.concat([Buffer.from([0xff, 0xd8]), ...head, ...body, Buffer.from([0xff, 0xd9])]),
    pixels,
  };
}

// ----------------------------------------------------------------------------------------------- PNG

/**
 * The PNG chunks kept: the critical ones, transparency, colour (gamma, chromaticities, ICC, sRGB, CICP,
 * HDR mastering and light levels), significant bits, background, pixel density, and APNG's animation.
 * Text (tEXt, zTXt, iTXt), eXIf, tIME, C2PA (caBX) and every private chunk are dropped.
 */
const PNG_KEPT = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'iCCP',
  'sRGB',
  'cICP',
  'mDCV',
  'mDCv',
  'cLLI',
  'cLLi',
  'sBIT',
  'bKGD',
  'pHYs',
  'acTL',
  'fcTL',
  'fdAT',
]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, content: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + content.length);
  chunk.writeUInt32BE(content.length, 0);
  chunk.write(type, 4, 'latin1');
  content.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + content.length)), 8 + content.length);
  return chunk;
}

/**
 * Walks a PNG chunk by chunk (checking each chunk's CRC) up to IEND and keeps the chunks a decoder
 * needs; an orientation from eXIf is put back as an eXIf holding only that.
 */
export function cleanPng(input: Uint8Array): CleanedImage | undefined {
  const data = asBuffer(input);
  if (data.length < 8 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  const kept: Array<{ type: string; chunk: Buffer }> = [];
  let position = 8;
  let pixels = 0;
  let orientation = 1;
  for (;;) {
    if (position + 12 > data.length) return undefined; // no IEND
    const length = data.readUInt32BE(position);
    const type = data.toString('latin1', position + 4, position + 8);
    const end = position + 12 + length;
    if (length > 0x7fffffff || end > data.length || !/^[A-Za-z]{4}$/.test(type)) return undefined;
    const content = data.subarray(position + 8, end - 4);
    const intact = data.readUInt32BE(end - 4) === crc32(data.subarray(position + 4, end - 4));
    const critical = type.charCodeAt(0) < 0x61; // an upper-case first letter
    if (critical && (!intact || !PNG_KEPT.has(type))) return undefined; // broken, or no decoder would know it
    if (position === 8) {
      if (type !== 'IHDR' || length !== 13) return undefined;
      const width = content.readUInt32BE(0);
      const height = content.readUInt32BE(4);
      if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return undefined;
      pixels = width * height;
    } else if (type === 'IHDR') return undefined;
    if (type === 'eXIf' && intact) orientation = readExifOrientation(content) ?? orientation;
    if (PNG_KEPT.has(type) && intact) kept.push({ type, chunk: data.subarray(position, end) });
    position = end;
    if (type === 'IEND') break; // anything after IEND is not kept
  }
  const firstData = kept.findIndex((chunk) => chunk.type === 'IDAT');
  if (firstData === -1) return undefined;
  // eXIf goes before the image data, where decoders read it
  if (orientation !== 1)
    kept.splice(firstData, 0, { type: 'eXIf', chunk: pngChunk('eXIf', orientationTiff(orientation)) });
  return { data: Buffer.concat([PNG_SIGNATURE, ...kept.map((chunk) => chunk.chunk)]), pixels };
}

// ---------------------------------------------------------------------------------------------- WebP

/** The RIFF chunks of a WebP kept: the image (VP8, VP8L, its alpha), VP8X, the ICC profile, animation. */
const WEBP_KEPT = new Set(['VP8X', 'VP8 ', 'VP8L', 'ALPH', 'ICCP', 'ANIM', 'ANMF']);
/** The chunks a frame (ANMF) may hold. */
const WEBP_FRAME_KEPT = new Set(['VP8 ', 'VP8L', 'ALPH']);
const VP8X_ICC = 0x20;
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

interface RiffChunk {
  type: string;
  content: Buffer;
}

/** The chunks between `from` and `to`, or undefined when one runs past the end. */
function riffChunks(data: Buffer, from: number, to: number): RiffChunk[] | undefined {
  const chunks: RiffChunk[] = [];
  let position = from;
  while (position < to) {
    if (position + 8 > to) return undefined;
    const type = data.toString('latin1', position, position + 4);
    const length = data.readUInt32LE(position + 4);
    if (!/^[\x20-\x7e]{4}$/.test(type) || position + 8 + length > to) return undefined;
    chunks.push({ type, content: data.subarray(position + 8, position + 8 + length) });
    position += 8 + length + (length % 2);
  }
  return chunks;
}

function riffChunk({ type, content }: RiffChunk): Buffer {
  const header = Buffer.alloc(8);
  header.write(type, 0, 'latin1');
  header.writeUInt32LE(content.length, 4);
  return Buffer.concat([header, content, content.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** The width × height a VP8 (lossy) or VP8L (lossless) bitstream declares, or undefined when malformed. */
function bitstreamPixels({ type, content }: RiffChunk): number | undefined {
  if (type === 'VP8 ') {
    if (content.length < 10 || content[3] !== 0x9d || content[4] !== 0x01 || content[5] !== 0x2a) return undefined;
    const width = content.readUInt16LE(6) & 0x3fff;
    const height = content.readUInt16LE(8) & 0x3fff;
    return width && height ? width * height : undefined;
  }
  if (content.length < 5 || content[0] !== 0x2f) return undefined;
  const bits = content.readUInt32LE(1);
  return ((bits & 0x3fff) + 1) * (((bits >>> 14) & 0x3fff) + 1);
}

/**
 * Walks a WebP's RIFF chunks (and the chunks inside each animation frame) up to the RIFF's declared
 * end and keeps the chunks a decoder needs: EXIF, XMP and every unknown chunk are dropped, the VP8X
 * flags cleared to match, and the RIFF size written anew. An orientation is kept as an EXIF chunk
 * holding only that (extended format only).
 */
export function cleanWebp(input: Uint8Array): CleanedImage | undefined {
  const data = asBuffer(input);
  if (data.length < 20 || data.toString('latin1', 0, 4) !== 'RIFF' || data.toString('latin1', 8, 12) !== 'WEBP')
    return undefined;
  const riffEnd = 8 + data.readUInt32LE(4);
  if (riffEnd > data.length) return undefined; // cut short
  const chunks = riffChunks(data, 12, riffEnd);
  const first = chunks?.[0];
  if (!chunks || !first || !['VP8 ', 'VP8L', 'VP8X'].includes(first.type)) return undefined;
  let pixels = 0;
  let images = 0;
  let orientation = 1;
  const kept: RiffChunk[] = [];
  const measure = (chunk: RiffChunk): boolean => {
    const size = bitstreamPixels(chunk);
    if (size === undefined) return false;
    pixels = Math.max(pixels, size);
    images++;
    return true;
  };
  for (const chunk of chunks) {
    if (chunk.type === 'EXIF') orientation = readExifOrientation(chunk.content) ?? orientation;
    if (!WEBP_KEPT.has(chunk.type)) continue;
    if (chunk.type === 'VP8X') {
      if (chunk !== first || chunk.content.length < 10) return undefined;
      const width = chunk.content.readUIntLE(4, 3) + 1;
      const height = chunk.content.readUIntLE(7, 3) + 1;
      pixels = Math.max(pixels, width * height);
      kept.push({ type: 'VP8X', content: Buffer.from(chunk.content.subarray(0, 10)) });
    } else if (chunk.type === 'VP8 ' || chunk.type === 'VP8L') {
      if (!measure(chunk)) return undefined;
      kept.push(chunk);
    } else if (chunk.type === 'ANMF') {
      if (chunk.content.length < 16) return undefined;
      const frameChunks = riffChunks(chunk.content, 16, chunk.content.length);
      if (!frameChunks) return undefined;
      const width = chunk.content.readUIntLE(6, 3) + 1;
      const height = chunk.content.readUIntLE(9, 3) + 1;
      pixels = Math.max(pixels, width * height);
      const frame = frameChunks.filter((inner) => WEBP_FRAME_KEPT.has(inner.type));
      if (!frame.every((inner) => inner.type === 'ALPH' || measure(inner))) return undefined;
      kept.push({ type: 'ANMF', content: Buffer.concat([chunk.content.subarray(0, 16), ...frame.map(riffChunk)]) });
    } else kept.push(chunk);
  }
  if (images === 0) return undefined;
  const vp8x = kept[0]?.type === 'VP8X' ? kept[0].content : undefined;
  if (vp8x) {
    let flags = (vp8x[0] as number) & ~(VP8X_EXIF | VP8X_XMP);
    if (!kept.some((chunk) => chunk.type === 'ICCP')) flags &= ~VP8X_ICC;
    if (orientation !== 1) {
      flags |= VP8X_EXIF;
      kept.push({ type: 'EXIF', content: orientationTiff(orientation) });
    }
    vp8x[0] = flags;
  }
  const body = Buffer.concat(kept.map(riffChunk));
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return { data: Buffer.concat([header, body]), pixels };
}
