import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { cleanJpeg, cleanPng, cleanWebp } from '../photo-cleaning.ts';

/**
 * Cleans the photos stored before the cleaner walked the whole file (issue 13). The earlier one removed
 * APP1 and APP13 from a JPEG's first image and copied the rest unchanged, so a phone's multi-picture JPEG
 * kept its second image (a depth or gain map) with that image's Exif and GPS, and C2PA manifests, vendor
 * segments, comments and private PNG or WebP chunks stayed too; every such photo was served publicly.
 *
 * Each photo is cleaned again by today's cleaner (photo-cleaning.ts: only the picture, its colours and
 * its orientation are kept). The pixel limit for new uploads is not applied: photos already shown stay.
 * A photo the cleaner cannot parse is deleted, as such an upload is refused now: it is never kept as it
 * came. Photos are read a few at a time (each may be up to 5 MB); a new database has none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  let after = 0;
  for (;;) {
    const { rows } = await sql<{ id: number | string; content_type: string; data: Uint8Array }>`
      select id, content_type, data from reports_photo where id > ${after} order by id limit 20
    `.execute(db);
    if (rows.length === 0) return;
    for (const row of rows) {
      after = Number(row.id);
      const original = Buffer.from(row.data);
      const clean =
        row.content_type === 'image/jpeg' ? cleanJpeg : row.content_type === 'image/png' ? cleanPng : cleanWebp;
      const cleaned = clean(original);
      if (!cleaned) {
        await sql`delete from reports_photo where id = ${after}`.execute(db);
      } else if (!cleaned.data.equals(original)) {
        const sha256 = createHash('sha256').update(cleaned.data).digest('hex');
        await sql`
          update reports_photo set data = ${cleaned.data}, byte_size = ${cleaned.data.length}, sha256 = ${sha256}
          where id = ${after}
        `.execute(db);
      }
    }
  }
}
