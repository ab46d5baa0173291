import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { wantsJson } from '../../../platform/http/errors.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { MAX_PHOTO_BYTES, MAX_PHOTOS, preparePhoto, type PhotoCheck, type PhotoError } from '../photos.ts';

/** A file part as the multipart hook leaves it in the body. */
interface FilePart {
  kind: 'file';
  data: Buffer;
  truncated: boolean;
}

export type UploadedPhoto = PhotoCheck;

function isFilePart(value: unknown): value is FilePart {
  if (typeof value !== 'object' || value === null) return false;
  const part = value as Record<string, unknown>;
  return part.kind === 'file' && Buffer.isBuffer(part.data);
}

/**
 * Registers multipart parsing in an encapsulated scope for the routes that take photos. Files are read
 * into memory up to one byte over the limit (so "too large" is told apart without reading a huge file
 * to the end) and left in `request.body` beside the text fields, so the CSRF check and the handlers
 * see one body whatever the form's encoding.
 */
export async function withPhotoUploads(app: App, routes: (scope: App) => void): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_PHOTO_BYTES + 1, files: MAX_PHOTOS + 2, fields: 200, fieldSize: 65_536, parts: 250 },
      throwFileSizeLimit: false,
      async onFile(part: MultipartFile) {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        const value: FilePart = { kind: 'file', data: Buffer.concat(chunks), truncated: part.file.truncated };
        (part as unknown as { value: FilePart }).value = value;
      },
    });
    routes(scope);
  });
}

/** The photos of a multipart field, each checked (type by magic bytes, size) and stripped of metadata. Empty file inputs are skipped. */
export function readPhotos(body: unknown, name: string): UploadedPhoto[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const parts = (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .filter(isFilePart)
    .filter((part) => part.data.length > 0 || part.truncated);
  return parts.map((part) => preparePhoto(part.data, part.truncated));
}

const PHOTO_ERROR_TEXT: Record<PhotoError, MessageKey> = {
  PHOTO_NOT_IMAGE: 'reports.error.photoType',
  PHOTO_TOO_LARGE: 'reports.error.photoSize',
  PHOTO_TOO_MANY_PIXELS: 'reports.error.photoPixels',
};

/**
 * The first refused photo's problem, as the form shows it beside the photo field; undefined when every
 * photo passed. A client that asks for JSON gets the error code instead (`{ error: { code, message } }`
 * with the code's status), as the API answers.
 */
export function photoProblem(request: FastifyRequest, uploads: UploadedPhoto[]): string | undefined {
  for (const photo of uploads) {
    if (!('error' in photo)) continue;
    if (wantsJson(request)) throw new AppError(photo.error);
    return request.t(PHOTO_ERROR_TEXT[photo.error]);
  }
  return undefined;
}
