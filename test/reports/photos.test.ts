import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Browser } from 'playwright-core';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { up as cleanStoredPhotos } from '../../src/modules/reports/migrations/20261214_0300_reports_photos_cleaned_again.ts';
import { MAX_PHOTO_PIXELS, preparePhoto } from '../../src/modules/reports/photos.ts';
import { CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import type { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import {
  adobeSegment,
  c2paSegment,
  commentSegment,
  exifSegment,
  exifTiff,
  iccSegment,
  iptcSegment,
  vendorSegment,
  GPS_TEXT,
  gpsLatitudeBytes,
  grayJpeg,
  grayPng,
  multiPictureJpeg,
  riffChunk,
  solidVp8l,
  webpWithMetadata,
  xmpSegment,
} from '../support/images.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Photos through the real upload (the report form and a resident's update, multipart): what is stored
 * and served has no location and no other metadata anywhere in the file — not in a second image of a
 * multi-picture JPEG, not in a PNG text chunk, not in a WebP or C2PA chunk — and still decodes in a
 * browser (Chromium's own JPEG, PNG and WebP decoders), upright. A picture above 40 megapixels is refused.
 */

let server: TestServer;
let city: Organisation;
let browser: Browser | undefined;

before(async () => {
  server = await startTestServer({ demo: true });
  city = (await server.organisations.findAll())[0] as Organisation;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server.close();
});

type Upload = { filename: string; type: string; data: Uint8Array };

/** Sends the report form with photos (past the "similar reports" step); answers the response. */
async function sendReport(client: TestClient, photos: Upload[], headers: Record<string, string> = {}) {
  const { csrf } = await client.page('/reports/new');
  return client.multipart(
    '/reports',
    {
      _csrf: csrf,
      category: 'streetlight',
      lat: String(city.map.lat),
      lng: String(city.map.lng),
      description: 'The lamp at the corner has been dark for a week.',
      confirmNew: 'yes',
    },
    photos.map((photo) => ({ name: 'photos', ...photo })),
    headers,
  );
}

function reportIdFrom(response: Response): number {
  const match = /^\/reports\/(\d+)$/.exec(response.headers.get('location') ?? '');
  assert.ok(match, `redirects to the new report (got ${response.status})`);
  return Number(match[1]);
}

/** The report's stored photo, and the bytes anyone is served for it. */
async function storedAndServed(client: TestClient, reportId: number) {
  const photo = await server.ctx.db
    .selectFrom('reports_photo')
    .select(['id', 'data', 'content_type', 'byte_size'])
    .where('report_id', '=', reportId)
    .executeTakeFirstOrThrow();
  const served = await client.get(`/reports/${reportId}/photos/${photo.id}`);
  assert.equal(served.status, 200);
  const bytes = Buffer.from(await served.arrayBuffer());
  assert.ok(bytes.equals(Buffer.from(photo.data)), 'the stored bytes are served');
  assert.equal(photo.byte_size, bytes.length);
  return { id: photo.id, type: photo.content_type, bytes };
}

/** No trace of where or when the photo was taken, or with what, anywhere in the file. */
function assertNoMetadata(bytes: Buffer): void {
  for (const [what, needle] of [
    ['GPS text', Buffer.from(GPS_TEXT)],
    ['GPS latitude (big-endian)', gpsLatitudeBytes(false)],
    ['GPS latitude (little-endian)', gpsLatitudeBytes(true)],
    ['camera make', Buffer.from('PhoneMaker')],
    ['second image Exif', Buffer.from('SecondImage')],
    ['date taken', Buffer.from('2026:05:14')],
    ['XMP', Buffer.from('ns.adobe.com')],
    ['MPF index', Buffer.from('MPF\0')],
    ['C2PA', Buffer.from('c2pa')],
    ['IPTC', Buffer.from('Photoshop')],
  ] as const)
    assert.equal(bytes.indexOf(needle), -1, `no ${what} in the file`);
}

/** An Exif (TIFF) block holding exactly one tag: Orientation with this value. */
function assertOrientationOnly(tiff: Buffer, orientation: number): void {
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const ifd = little ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
  assert.equal(u16(ifd), 1, 'one tag');
  assert.equal(u16(ifd + 2), 0x0112, 'the tag is Orientation');
  assert.equal(u16(ifd + 10), orientation);
  assert.equal(tiff.length, ifd + 2 + 12 + 4, 'nothing after the IFD');
}

/** The JPEG's markers up to the first scan, with their payloads. */
function jpegHeaderSegments(bytes: Buffer): Array<{ marker: number; payload: Buffer }> {
  assert.equal(bytes.readUInt16BE(0), 0xffd8);
  const segments: Array<{ marker: number; payload: Buffer }> = [];
  let at = 2;
  while (bytes[at] === 0xff && bytes[at + 1] !== 0xda) {
    const length = bytes.readUInt16BE(at + 2);
    segments.push({ marker: bytes[at + 1] as number, payload: bytes.subarray(at + 4, at + 2 + length) });
    at += 2 + length;
  }
  assert.equal(bytes[at + 1], 0xda, 'the header ends in a scan');
  return segments;
}

function count(bytes: Buffer, needle: Buffer): number {
  let found = 0;
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) found++;
  return found;
}

/** The PNG's chunks, in order. */
function pngChunks(bytes: Buffer): Array<{ type: string; content: Buffer }> {
  const chunks: Array<{ type: string; content: Buffer }> = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    chunks.push({ type: bytes.toString('latin1', at + 4, at + 8), content: bytes.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** The WebP's RIFF chunks, in order; the RIFF size must match the file. */
function webpChunks(bytes: Buffer): Array<{ type: string; content: Buffer }> {
  assert.equal(bytes.toString('latin1', 0, 4), 'RIFF');
  assert.equal(bytes.readUInt32LE(4), bytes.length - 8, 'the RIFF size is the file’s');
  const chunks: Array<{ type: string; content: Buffer }> = [];
  for (let at = 12; at < bytes.length;) {
    const length = bytes.readUInt32LE(at + 4);
    chunks.push({ type: bytes.toString('latin1', at, at + 4), content: bytes.subarray(at + 8, at + 8 + length) });
    at += 8 + length + (length % 2);
  }
  return chunks;
}

/**
 * The photo as the public report page shows it, decoded by Chromium: its displayed size (after the
 * orientation is applied) and the colour of its first pixel.
 */
async function decodedInBrowser(t: TestContext, reportId: number, photoId: number) {
  if (!browser) {
    t.diagnostic(CHROMIUM_MISSING);
    return undefined;
  }
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/reports/${reportId}`);
    return await page.evaluate(async (src) => {
      const image = document.querySelector<HTMLImageElement>(`img[src="${src}"]`);
      if (!image) return 'no image on the page';
      try {
        await image.decode();
      } catch {
        return 'the browser could not decode it';
      }
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      context.drawImage(image, 0, 0);
      const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
      return { width: image.naturalWidth, height: image.naturalHeight, pixel: [r, g, b] };
    }, `/reports/${reportId}/photos/${photoId}`);
  } finally {
    await page.close();
  }
}

describe('photo metadata', () => {
  test('a multi-picture JPEG keeps only its first image, without Exif, XMP or MPF, and stays upright', async (t) => {
    const { client } = await signedInClient(server);
    const file = multiPictureJpeg({ orientation: 6 });
    // what the phone sent: two images, each with GPS (big- and little-endian Exif)
    assert.equal(count(file, Buffer.from([0xff, 0xd8, 0xff])), 3, 'primary, a preview in its maker note, second');
    assert.notEqual(file.indexOf(gpsLatitudeBytes(true)), -1);
    const id = reportIdFrom(await sendReport(client, [{ filename: 'IMG_2041.jpg', type: 'image/jpeg', data: file }]));
    const photo = await storedAndServed(client, id);
    assert.equal(photo.type, 'image/jpeg');
    assertNoMetadata(photo.bytes);

    // one image: one SOI, one EOI at the very end, the scan with its restart markers intact
    assert.equal(count(photo.bytes, Buffer.from([0xff, 0xd8])), 1);
    assert.equal(count(photo.bytes, Buffer.from([0xff, 0xd9])), 1);
    assert.equal(photo.bytes.readUInt16BE(photo.bytes.length - 2), 0xffd9);
    assert.equal(count(photo.bytes, Buffer.from([0xff, 0xd0])), 1, 'restart markers kept (2 blocks: one RST0)');
    const segments = jpegHeaderSegments(photo.bytes);
    assert.deepEqual(
      segments.map((segment) => segment.marker.toString(16)),
      ['e0', 'e1', 'db', 'dd', 'c0', 'c4'],
      'JFIF, an Exif with the orientation, then the tables and frame the decoder needs',
    );
    const exif = segments[1]?.payload as Buffer;
    assert.equal(exif.toString('latin1', 0, 6), 'Exif\0\0');
    assertOrientationOnly(exif.subarray(6), 6);

    const shown = await decodedInBrowser(t, id, photo.id);
    if (shown) assert.deepEqual(shown, { width: 8, height: 16, pixel: [128, 128, 128] }, 'decoded and turned upright');
  });

  test('a JPEG loses IPTC, comments, C2PA and vendor segments but keeps its ICC profile and Adobe colour transform', () => {
    const icc = iccSegment();
    const adobe = adobeSegment();
    const file = grayJpeg(16, 16, [
      exifSegment(exifTiff()),
      xmpSegment(),
      iptcSegment(),
      commentSegment(),
      c2paSegment(),
      vendorSegment(0xffe2, `FPXR\0${GPS_TEXT}`),
      vendorSegment(0xffec, `Ducky\0${GPS_TEXT}`),
      icc,
      adobe,
    ]);
    const checked = preparePhoto(file);
    assert.ok('ok' in checked, 'accepted');
    assertNoMetadata(checked.data);
    assert.equal(checked.data.indexOf(Buffer.from('Exif')), -1, 'no Exif block: the picture was not rotated');
    const markers = jpegHeaderSegments(checked.data);
    assert.deepEqual(
      markers.map((s) => s.marker.toString(16)),
      ['e2', 'ee', 'db', 'c0', 'c4'],
    );
    assert.ok(markers[0]?.payload.equals(icc.subarray(4)), 'the ICC profile is kept whole');
    assert.ok(markers[1]?.payload.equals(adobe.subarray(4)), 'the Adobe segment is kept');
  });

  test('a PNG loses eXIf, tEXt, zTXt, iTXt, tIME, C2PA and what follows IEND, and stays upright', async (t) => {
    const { client } = await signedInClient(server);
    const xmp = xmpSegment().subarray(4 + 29);
    const file = Buffer.concat([
      grayPng(
        16,
        8,
        [
          ['eXIf', exifTiff({ orientation: 6 })],
          ['tEXt', Buffer.from(`Comment\0${GPS_TEXT}`, 'latin1')],
          ['zTXt', Buffer.concat([Buffer.from('Description\0\0', 'latin1'), deflateSync(Buffer.from(GPS_TEXT))])],
          ['iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), xmp])],
          ['tIME', Buffer.from([0x07, 0xea, 5, 14, 8, 12, 55])],
          ['caBX', Buffer.from(`jumb c2pa ${GPS_TEXT}`)],
        ],
        { after: [['tEXt', Buffer.from(`Software\0PhoneMaker ${GPS_TEXT}`, 'latin1')]] },
      ),
      Buffer.from(`trailer ${GPS_TEXT}`),
    ]);
    const id = reportIdFrom(await sendReport(client, [{ filename: 'screenshot.png', type: 'image/png', data: file }]));
    const photo = await storedAndServed(client, id);
    assert.equal(photo.type, 'image/png');
    assertNoMetadata(photo.bytes);
    const chunks = pngChunks(photo.bytes);
    assert.deepEqual(
      chunks.map((chunk) => chunk.type),
      ['IHDR', 'eXIf', 'IDAT', 'IEND'],
    );
    assertOrientationOnly(chunks[1]?.content as Buffer, 6);
    assert.equal(photo.bytes.readUInt32BE(photo.bytes.length - 12), 0, 'the file ends with IEND');

    const shown = await decodedInBrowser(t, id, photo.id);
    if (shown) assert.deepEqual(shown, { width: 8, height: 16, pixel: [128, 128, 128] }, 'decoded and turned upright');
  });

  test('a WebP loses its EXIF, XMP and unknown chunks, with the VP8X flags and RIFF size set to match', async (t) => {
    const { client } = await signedInClient(server);
    const file = webpWithMetadata(16, 8, { orientation: 6, extra: [['C2PA', Buffer.from(`jumb c2pa ${GPS_TEXT}`)]] });
    const id = reportIdFrom(await sendReport(client, [{ filename: 'photo.webp', type: 'image/webp', data: file }]));
    const photo = await storedAndServed(client, id);
    assert.equal(photo.type, 'image/webp');
    assertNoMetadata(photo.bytes);
    const chunks = webpChunks(photo.bytes);
    assert.deepEqual(
      chunks.map((chunk) => chunk.type),
      ['VP8X', 'VP8L', 'EXIF'],
    );
    assert.equal(chunks[0]?.content[0], 0x08, 'VP8X says: EXIF (the orientation), no XMP');
    assertOrientationOnly(chunks[2]?.content as Buffer, 6);

    const shown = await decodedInBrowser(t, id, photo.id);
    // Chromium does not turn WebP by its EXIF orientation; the picture decodes as stored
    if (shown) assert.deepEqual(shown, { width: 16, height: 8, pixel: [200, 40, 40] });
  });

  test('a file whose structure does not parse is refused, never stored as it came', () => {
    const withoutFrame = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      Buffer.from([0xff, 0xe1, 0x00, 0x0a]),
      Buffer.from('Exif\0\0\0\0'),
      Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x12, 0x34, 0xff, 0xd9]),
    ]);
    const jpeg = grayJpeg(16, 16);
    const png = grayPng(4, 4);
    const webp = webpWithMetadata(4, 4);
    const cases: Array<[string, Buffer]> = [
      ['a JPEG without a frame header', withoutFrame],
      ['a JPEG cut in its headers', jpeg.subarray(0, 30)],
      [
        'a JPEG with a segment running past the end',
        Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1, 0xff, 0xf0, 1, 2])]),
      ],
      ['a PNG without IEND', png.subarray(0, png.length - 12)],
      [
        'a PNG with a broken IDAT checksum',
        Buffer.concat([png.subarray(0, png.length - 16), Buffer.from([0, 0, 0, 0]), png.subarray(png.length - 12)]),
      ],
      ['a WebP whose RIFF runs past the file', webp.subarray(0, webp.length - 4)],
      ['a WebP without a bitstream', Buffer.concat([webp.subarray(0, 12), riffChunk('XMP ', Buffer.from('x'))])],
    ];
    for (const [what, data] of cases) assert.deepEqual(preparePhoto(data), { error: 'PHOTO_NOT_IMAGE' }, what);
  });
});

describe('photo size in pixels', () => {
  /** A 20000 × 20000 PNG (1 bit a pixel, all zero): 400 megapixels in a file of about 50 KB. */
  const hugePng = () => grayPng(20_000, 20_000, [], { bitDepth: 1 });

  async function counts() {
    const row = await server.ctx.db
      .selectFrom('reports_photo')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const reports = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return { photos: Number(row.n), reports: Number(reports.n) };
  }

  test('a 20000 × 20000 PNG is refused on the form, beside the photo field, and nothing is stored', async () => {
    const { client } = await signedInClient(server);
    const file = hugePng();
    assert.ok(file.length < 100_000, 'a small file');
    const before = await counts();
    const response = await sendReport(client, [{ filename: 'huge.png', type: 'image/png', data: file }]);
    assert.equal(response.status, 400);
    const page = await response.text();
    assert.match(page, /href="#photos"/);
    assert.match(page, /A photo may have at most 40 megapixels/);
    assert.deepEqual(await counts(), before);
  });

  test('a client that asks for JSON gets the error code', async () => {
    const { client } = await signedInClient(server);
    const before = await counts();
    const response = await sendReport(client, [{ filename: 'huge.png', type: 'image/png', data: hugePng() }], {
      accept: 'application/json',
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'PHOTO_TOO_MANY_PIXELS');
    assert.match(body.error.message, /40 megapixels/);
    assert.deepEqual(await counts(), before);
  });

  test('a resident’s update with a 16383 × 16383 WebP is refused in the reader’s language', async () => {
    const { client } = await signedInClient(server);
    const id = reportIdFrom(await sendReport(client, []));
    const webp = Buffer.concat([
      Buffer.from('RIFF\0\0\0\0WEBP', 'latin1'),
      riffChunk('VP8L', solidVp8l(16_383, 16_383, [0, 0, 0])),
    ]);
    webp.writeUInt32LE(webp.length - 8, 4);
    const { csrf } = await client.page(`/reports/${id}`);
    const before = await counts();
    const response = await client.multipart(
      `/reports/${id}/updates`,
      { _csrf: csrf, text: 'Still dark tonight.' },
      [{ name: 'photos', filename: 'night.webp', type: 'image/webp', data: webp }],
      { 'accept-language': 'de' },
    );
    assert.equal(response.status, 400);
    assert.match(await response.text(), /Ein Foto darf höchstens 40 Megapixel haben/);
    assert.deepEqual(await counts(), before);
  });

  test('the limit is 40 megapixels, read from the header', () => {
    assert.equal(MAX_PHOTO_PIXELS, 40_000_000);
    assert.ok('ok' in preparePhoto(grayJpeg(8000, 5000)), '8000 × 5000 is accepted');
    assert.deepEqual(preparePhoto(grayJpeg(8001, 5000)), { error: 'PHOTO_TOO_MANY_PIXELS' });
    assert.deepEqual(preparePhoto(grayPng(8000, 5001, [], { bitDepth: 1 })), { error: 'PHOTO_TOO_MANY_PIXELS' });
  });
});

describe('photos stored before', () => {
  test('the migration cleans every stored photo, leaves clean ones as they are, and deletes what does not parse', async () => {
    const { client } = await signedInClient(server);
    const reportId = reportIdFrom(await sendReport(client, []));
    const insert = async (type: 'image/jpeg' | 'image/png', data: Buffer) => {
      const row = await server.ctx.db
        .insertInto('reports_photo')
        .values({
          organisation_id: city.id,
          report_id: reportId,
          update_id: null,
          author_id: null,
          pending_token: null,
          content_type: type,
          byte_size: data.length,
          sha256: createHash('sha256').update(data).digest('hex'),
          data,
          hidden_at: null,
          hidden_reason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    // what the old cleaner let through: a second image with its GPS, a C2PA chunk, a JPEG with no frame
    const multiPicture = await insert('image/jpeg', multiPictureJpeg({ orientation: 6 }));
    const withC2pa = await insert('image/png', grayPng(4, 4, [['caBX', Buffer.from(`jumb c2pa ${GPS_TEXT}`)]]));
    const clean = grayPng(4, 4);
    const alreadyClean = await insert('image/png', clean);
    const noFrame = await insert(
      'image/jpeg',
      Buffer.concat([
        Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x0a]),
        Buffer.from(`Exif\0\0\0\0`, 'latin1'),
        Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x12, 0x34, 0xff, 0xd9]),
      ]),
    );

    await cleanStoredPhotos(server.ctx.db as unknown as Kysely<unknown>);

    const rows = await server.ctx.db
      .selectFrom('reports_photo')
      .select(['id', 'data', 'byte_size', 'sha256'])
      .where('report_id', '=', reportId)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((row) => row.id),
      [multiPicture, withC2pa, alreadyClean],
      'the photo that does not parse is gone',
    );
    const gone = await server.ctx.db.selectFrom('reports_photo').select('id').where('id', '=', noFrame).execute();
    assert.equal(gone.length, 0);
    for (const row of rows) {
      const data = Buffer.from(row.data);
      assertNoMetadata(data);
      assert.equal(row.byte_size, data.length);
      assert.equal(row.sha256, createHash('sha256').update(data).digest('hex'), 'the served ETag follows the bytes');
    }
    const [first, , third] = rows;
    assert.equal(count(Buffer.from(first?.data ?? []), Buffer.from([0xff, 0xd8])), 1, 'one image left');
    assert.ok(Buffer.from(third?.data ?? []).equals(clean), 'a clean photo is left as it was');
  });
});
