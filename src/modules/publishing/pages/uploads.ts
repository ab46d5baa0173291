import multipart, { type MultipartFile } from '@fastify/multipart';
import type { App } from '../../../platform/http/app.ts';
import { MAX_PHOTO_BYTES } from '../../reports/index.ts';

/**
 * Multipart parsing for the post's pictures, in an encapsulated scope: the file read into memory up to
 * one byte over the limit (so "too large" is told apart without reading a huge file to the end), left
 * in `request.body` beside the text fields for the CSRF check and the handler.
 */
export async function withMediaUploads(app: App, routes: (scope: App) => void): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_PHOTO_BYTES + 1, files: 1, fields: 50, fieldSize: 4096, parts: 60 },
      throwFileSizeLimit: false,
      async onFile(part: MultipartFile) {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        (part as unknown as { value: unknown }).value = {
          kind: 'file',
          data: Buffer.concat(chunks),
          truncated: part.file.truncated,
        };
      },
    });
    routes(scope);
  });
}
