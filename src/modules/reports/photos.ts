import type { ColumnType, Generated } from 'kysely';
import { cleanJpeg, cleanPng, cleanWebp } from './photo-cleaning.ts';

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
/**
 * Largest picture accepted, in pixels (width × height, read from the file's header): 40 megapixels, above
 * a phone's usual 12–24 MP and far below what a small file can declare (a 20000 × 20000 PNG of a few
 * hundred kilobytes would take 1.6 GB to decode in every browser that shows it).
 */
export const MAX_PHOTO_PIXELS = 40_000_000;
/** Photos one submission or update may carry. */
export const MAX_PHOTOS = 3;

/** Why a photo is refused; each is an error code of the reports module. */
export type PhotoError = 'PHOTO_NOT_IMAGE' | 'PHOTO_TOO_LARGE' | 'PHOTO_TOO_MANY_PIXELS';

export type PhotoCheck = { ok: true; type: PhotoType; data: Buffer } | { error: PhotoError };

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
 * Checks an uploaded photo (type by magic bytes, size in bytes and in pixels) and returns it with all
 * its metadata removed (photo-cleaning.ts): only the picture, its colours and its orientation are kept.
 * Every channel that stores a photo goes through here; a file whose structure does not parse is refused
 * as "not an image" and never stored as it came.
 */
export function preparePhoto(data: Uint8Array, truncated = false): PhotoCheck {
  if (truncated || data.length > MAX_PHOTO_BYTES) return { error: 'PHOTO_TOO_LARGE' };
  const type = sniffImageType(data);
  if (!type) return { error: 'PHOTO_NOT_IMAGE' };
  const cleaned = type === 'image/jpeg' ? cleanJpeg(data) : type === 'image/png' ? cleanPng(data) : cleanWebp(data);
  if (!cleaned) return { error: 'PHOTO_NOT_IMAGE' };
  if (cleaned.pixels > MAX_PHOTO_PIXELS) return { error: 'PHOTO_TOO_MANY_PIXELS' };
  return { ok: true, type, data: cleaned.data };
}
