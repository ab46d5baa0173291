import { crc32, deflateSync } from 'node:zlib';

/**
 * Real image files built byte by byte for the photo tests: each decodes in a browser (Chromium's
 * libjpeg-turbo, libpng and libwebp), and carries the metadata a phone or an editor writes — Exif with
 * GPS, XMP, IPTC, multi-picture (MPF) images appended after the first, PNG text chunks, WebP EXIF/XMP.
 */

/** The position the test files claim, as Exif rationals and as text: 44° 6' 12.606" N, 9° 49' 28.2" E. */
export const GPS_LATITUDE = [44, 1, 6, 1, 12_606, 1000] as const;
export const GPS_LONGITUDE = [9, 1, 49, 1, 28_200, 1000] as const;
export const GPS_TEXT = 'GPS 44.103502 N 9.824500 E';

/** The bytes of the latitude rationals as a big-endian TIFF stores them (what a leak would show). */
export function gpsLatitudeBytes(little = false): Buffer {
  const bytes = Buffer.alloc(24);
  GPS_LATITUDE.forEach((value, index) =>
    little ? bytes.writeUInt32LE(value, index * 4) : bytes.writeUInt32BE(value, index * 4),
  );
  return bytes;
}

function segment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(marker, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

interface IfdEntry {
  tag: number;
  type: 1 | 2 | 3 | 4 | 5 | 7; // BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED
  values: readonly number[] | string;
}

/**
 * A TIFF structure (as in Exif): IFD0 with the given entries, an Exif IFD and a GPS IFD with the
 * coordinates. `offsets` of sub-IFDs are filled in; values over four bytes go after each IFD.
 */
export function exifTiff(
  options: { orientation?: number; little?: boolean; make?: string; preview?: Buffer } = {},
): Buffer {
  const little = options.little ?? false;
  const gps: IfdEntry[] = [
    { tag: 0x0000, type: 1, values: [2, 3, 0, 0] },
    { tag: 0x0001, type: 2, values: 'N' },
    { tag: 0x0002, type: 5, values: GPS_LATITUDE },
    { tag: 0x0003, type: 2, values: 'E' },
    { tag: 0x0004, type: 5, values: GPS_LONGITUDE },
    { tag: 0x001b, type: 7, values: `ASCII\0\0\0${GPS_TEXT}` },
  ];
  const exif: IfdEntry[] = [
    { tag: 0x9003, type: 2, values: '2026:05:14 08:12:55' },
    // a maker note with a preview JPEG in it, as some cameras write: its own SOI … EOI inside APP1
    ...(options.preview ? [{ tag: 0x927c, type: 7 as const, values: [...options.preview] }] : []),
  ];
  const ifd0: IfdEntry[] = [
    { tag: 0x010f, type: 2, values: options.make ?? 'PhoneMaker' },
    ...(options.orientation ? [{ tag: 0x0112, type: 3 as const, values: [options.orientation] }] : []),
    { tag: 0x8769, type: 4, values: [0] },
    { tag: 0x8825, type: 4, values: [0] },
  ];
  const parts: Buffer[] = [];
  let size = 8;
  const u16 = (value: number) => {
    const b = Buffer.alloc(2);
    if (little) b.writeUInt16LE(value);
    else b.writeUInt16BE(value);
    return b;
  };
  const u32 = (value: number) => {
    const b = Buffer.alloc(4);
    if (little) b.writeUInt32LE(value);
    else b.writeUInt32BE(value);
    return b;
  };
  const valueBytes = (entry: IfdEntry): Buffer => {
    if (typeof entry.values === 'string') return Buffer.from(`${entry.values}\0`, 'latin1');
    if (entry.type === 1 || entry.type === 7) return Buffer.from(entry.values);
    if (entry.type === 3) return Buffer.concat(entry.values.map(u16));
    return Buffer.concat(entry.values.map(u32));
  };
  const count = (entry: IfdEntry): number =>
    typeof entry.values === 'string'
      ? entry.values.length + 1
      : entry.type === 5
        ? entry.values.length / 2
        : entry.values.length;
  /** Lays out one IFD at the current end; returns where it starts. */
  const layout = (entries: IfdEntry[], fix: (entry: IfdEntry) => number | undefined): number => {
    const start = size;
    const table: Buffer[] = [u16(entries.length)];
    let extra = start + 2 + entries.length * 12 + 4;
    const extras: Buffer[] = [];
    for (const entry of entries) {
      const fixed = fix(entry);
      const bytes = fixed === undefined ? valueBytes(entry) : u32(fixed);
      const head = Buffer.concat([u16(entry.tag), u16(entry.type), u32(fixed === undefined ? count(entry) : 1)]);
      if (bytes.length <= 4) table.push(head, Buffer.concat([bytes, Buffer.alloc(4 - bytes.length)]));
      else {
        table.push(head, u32(extra));
        const padded = bytes.length % 2 ? Buffer.concat([bytes, Buffer.alloc(1)]) : bytes;
        extras.push(padded);
        extra += padded.length;
      }
    }
    table.push(u32(0));
    parts.push(...table, ...extras);
    size = extra;
    return start;
  };
  // IFD0 first, with sub-IFD offsets computed ahead: IFD0, its extras, then the Exif IFD, then GPS
  const ifd0Size = (entries: IfdEntry[]) =>
    2 +
    entries.length * 12 +
    4 +
    entries.reduce((sum, e) => {
      const n = e.tag === 0x8769 || e.tag === 0x8825 ? 4 : valueBytes(e).length;
      return sum + (n > 4 ? n + (n % 2) : 0);
    }, 0);
  const exifStart = 8 + ifd0Size(ifd0);
  const gpsStart = exifStart + ifd0Size(exif);
  layout(ifd0, (entry) => (entry.tag === 0x8769 ? exifStart : entry.tag === 0x8825 ? gpsStart : undefined));
  layout(exif, () => undefined);
  layout(gps, () => undefined);
  const header = Buffer.concat([Buffer.from(little ? 'II' : 'MM', 'latin1'), u16(42), u32(8)]);
  return Buffer.concat([header, ...parts]);
}

/** Packs bits (most significant first, as JPEG entropy data), pads the last byte with ones, stuffs 0xFF. */
function packBits(bits: number[]): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < bits.length; index += 8) {
    let byte = 0;
    for (let bit = 0; bit < 8; bit++) byte = (byte << 1) | (bits[index + bit] ?? 1);
    bytes.push(byte);
    if (byte === 0xff) bytes.push(0x00);
  }
  return Buffer.from(bytes);
}

/**
 * A baseline grayscale JPEG of the given size, every pixel grey (128): one quantisation table, a DC
 * and an AC Huffman table of one code each, and one scan where every 8×8 block is "DC difference 0,
 * end of block". `segments` go between SOI and the tables (APP0, APP1 Exif, APP2…). With a restart
 * interval, the scan has an RSTn marker after every `restartInterval` blocks, as phones write.
 */
export function grayJpeg(
  width: number,
  height: number,
  segments: Buffer[] = [],
  options: { restartInterval?: number } = {},
): Buffer {
  const quantisation = segment(0xffdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]));
  const frame = Buffer.alloc(9);
  frame[0] = 8;
  frame.writeUInt16BE(height, 1);
  frame.writeUInt16BE(width, 3);
  frame.set([1, 1, 0x11, 0], 5);
  const oneCode = (classAndId: number) => {
    const bits = Buffer.alloc(16);
    bits[0] = 1; // one code of length 1: symbol 0 (DC: difference 0; AC: end of block)
    return Buffer.concat([Buffer.from([classAndId]), bits, Buffer.from([0x00])]);
  };
  const huffman = segment(0xffc4, Buffer.concat([oneCode(0x00), oneCode(0x10)]));
  const scanHeader = segment(0xffda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const interval = options.restartInterval ?? blocks;
  const restart = Buffer.alloc(2);
  restart.writeUInt16BE(options.restartInterval ?? 0);
  const data: Buffer[] = [];
  for (let done = 0, n = 0; done < blocks; done += interval, n++) {
    if (done > 0) data.push(Buffer.from([0xff, 0xd0 + ((n - 1) % 8)]));
    data.push(packBits(Array.from({ length: Math.min(interval, blocks - done) * 2 }, () => 0)));
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...segments,
    quantisation,
    ...(options.restartInterval ? [segment(0xffdd, restart)] : []),
    segment(0xffc0, frame),
    huffman,
    scanHeader,
    ...data,
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** Any other application segment (a vendor's APPn) with this text in it. */
export const vendorSegment = (marker: number, text: string): Buffer => segment(marker, Buffer.from(text, 'latin1'));
export const jfifSegment = (): Buffer =>
  segment(0xffe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]));
export const exifSegment = (tiff: Buffer): Buffer => segment(0xffe1, Buffer.concat([Buffer.from('Exif\0\0'), tiff]));
export const xmpSegment = (): Buffer =>
  segment(
    0xffe1,
    Buffer.from(
      `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="44,6.2101N" exif:GPSLongitude="9,49.47E"/></rdf:RDF></x:xmpmeta>`,
      'utf8',
    ),
  );
export const iptcSegment = (): Buffer =>
  segment(
    0xffed,
    Buffer.concat([Buffer.from('Photoshop 3.0\0'), Buffer.from(`8BIM\x04\x04\0\0${GPS_TEXT}`, 'latin1')]),
  );
export const commentSegment = (): Buffer => segment(0xfffe, Buffer.from(`shot at ${GPS_TEXT}`));
export const iccSegment = (): Buffer =>
  segment(0xffe2, Buffer.concat([Buffer.from('ICC_PROFILE\0'), Buffer.from([1, 1]), Buffer.alloc(128, 0)]));
export const adobeSegment = (): Buffer =>
  segment(0xffee, Buffer.concat([Buffer.from('Adobe'), Buffer.from([0, 100, 0, 0, 0, 0, 1])]));
/** A C2PA manifest store (JUMBF in APP11), which may carry the capture place as an assertion. */
export const c2paSegment = (): Buffer =>
  segment(
    0xffeb,
    Buffer.concat([Buffer.from('JP'), Buffer.from([0, 1, 0, 0, 0, 1]), Buffer.from(`jumb c2pa ${GPS_TEXT}`)]),
  );

/**
 * The MPF index a phone writes in APP2 of the primary image: two entries, the primary (offset 0) and
 * a second image at `secondOffset` from the MP header, of `secondSize` bytes.
 */
function mpfSegment(primarySize: number, secondSize: number, secondOffset: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 3 * 12 + 4 + 32);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(3, 8);
  let at = 10;
  const entry = (tag: number, type: number, count: number, value: Buffer | number) => {
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(type, at + 2);
    tiff.writeUInt32BE(count, at + 4);
    if (typeof value === 'number') tiff.writeUInt32BE(value, at + 8);
    else value.copy(tiff, at + 8);
    at += 12;
  };
  entry(0xb000, 7, 4, Buffer.from('0100'));
  entry(0xb001, 4, 1, 2);
  entry(0xb002, 7, 32, 8 + 2 + 3 * 12 + 4);
  tiff.writeUInt32BE(0, at);
  const entries = 8 + 2 + 3 * 12 + 4;
  tiff.writeUInt32BE(0x20030000, entries); // primary, baseline
  tiff.writeUInt32BE(primarySize, entries + 4);
  tiff.writeUInt32BE(0, entries + 8);
  tiff.writeUInt32BE(0x00020000, entries + 16); // dependent: a depth / gain map image
  tiff.writeUInt32BE(secondSize, entries + 20);
  tiff.writeUInt32BE(secondOffset, entries + 24);
  return segment(0xffe2, Buffer.concat([Buffer.from('MPF\0'), tiff]));
}

/**
 * A phone's multi-picture JPEG: the primary image (Exif with GPS and orientation, XMP, MPF index)
 * followed by a second JPEG (a depth or gain map) with its own Exif and GPS, as MPF lays them out.
 */
export function multiPictureJpeg(options: { orientation?: number; width?: number; height?: number } = {}): Buffer {
  const width = options.width ?? 16;
  const height = options.height ?? 8;
  const second = grayJpeg(8, 8, [exifSegment(exifTiff({ little: true, make: 'SecondImage' }))]);
  const preview = grayJpeg(8, 8);
  const exif = exifSegment(exifTiff({ orientation: options.orientation ?? 1, preview }));
  const head = [jfifSegment(), exif, xmpSegment()];
  const primary = (mpf: Buffer) => grayJpeg(width, height, [...head, mpf], { restartInterval: 1 });
  const probe = primary(mpfSegment(0, 0, 0));
  // offsets in the MP index count from the MP header (its TIFF), 8 bytes into the APP2 segment
  const mpHeader = probe.indexOf(Buffer.from('MPF\0')) + 4;
  return Buffer.concat([primary(mpfSegment(probe.length, second.length, probe.length - mpHeader)), second]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG, 8-bit greyscale of one grey, with `extra` chunks between IHDR and IDAT (and `after` after
 * IDAT). A bit depth of 1 keeps a huge one small: every row filter 0, all bits zero.
 */
export function grayPng(
  width: number,
  height: number,
  extra: Array<[string, Buffer]> = [],
  options: { bitDepth?: 1 | 8; after?: Array<[string, Buffer]> } = {},
): Buffer {
  const depth = options.bitDepth ?? 8;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = depth;
  header[9] = 0;
  const rowBytes = 1 + Math.ceil((width * depth) / 8);
  const row = Buffer.alloc(rowBytes, depth === 8 ? 128 : 0);
  row[0] = 0;
  const raw = Buffer.alloc(rowBytes * height);
  if (depth === 8) for (let y = 0; y < height; y++) row.copy(raw, y * rowBytes);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    ...extra.map(([type, data]) => pngChunk(type, data)),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    ...(options.after ?? []).map(([type, data]) => pngChunk(type, data)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes bits least significant first, as the WebP lossless bitstream reads them. */
class BitWriter {
  readonly bytes: number[] = [];
  #bit = 0;
  write(value: number, count: number): void {
    for (let index = 0; index < count; index++) {
      if (this.#bit === 0) this.bytes.push(0);
      const last = this.bytes.length - 1;
      this.bytes[last] = (this.bytes[last] as number) | (((value >> index) & 1) << this.#bit);
      this.#bit = (this.#bit + 1) % 8;
    }
  }
}

/**
 * A WebP lossless (VP8L) bitstream of one colour: no transforms, no colour cache, and five prefix
 * codes of one symbol each (green, red, blue, alpha, distance), so that every pixel costs no bits.
 */
export function solidVp8l(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const bits = new BitWriter();
  bits.write(0x2f, 8);
  bits.write(width - 1, 14);
  bits.write(height - 1, 14);
  bits.write(0, 1); // alpha not used
  bits.write(0, 3); // version 0
  bits.write(0, 1); // no transform
  bits.write(0, 1); // no colour cache
  bits.write(0, 1); // no meta prefix codes
  for (const symbol of [g, r, b, 255, 0]) {
    bits.write(1, 1); // simple code
    bits.write(0, 1); // one symbol
    bits.write(1, 1); // eight bits
    bits.write(symbol, 8);
  }
  return Buffer.from(bits.bytes);
}

export function riffChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/**
 * An extended WebP (VP8X) holding a solid VP8L image, an EXIF chunk with GPS (and orientation), an
 * XMP chunk and a C2PA chunk, with the VP8X flags saying so.
 */
export function webpWithMetadata(
  width: number,
  height: number,
  options: { orientation?: number; extra?: Array<[string, Buffer]> } = {},
): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08 | 0x04; // EXIF and XMP
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const xmp = xmpSegment().subarray(4 + 29);
  const body = Buffer.concat([
    riffChunk('VP8X', vp8x),
    riffChunk('VP8L', solidVp8l(width, height, [200, 40, 40])),
    riffChunk('EXIF', exifTiff({ little: true, orientation: options.orientation ?? 1 })),
    riffChunk('XMP ', xmp),
    ...(options.extra ?? []).map(([type, data]) => riffChunk(type, data)),
  ]);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
