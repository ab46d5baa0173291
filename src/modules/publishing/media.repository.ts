import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './publishing.schema.ts';

export async function insertMedia(
  db: Executor,
  values: { organisationId: number; postId: number; contentType: string; data: Buffer; alt: Translated },
): Promise<number> {
  const row = await db
    .insertInto('publishing_media')
    .values({
      organisation_id: values.organisationId,
      post_id: values.postId,
      position: 0,
      storage_key: 'database',
      content_type: values.contentType,
      width: null,
      height: null,
      bytes: values.data.length,
      alt: JSON.stringify(values.alt),
      data: values.data,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateMediaAlt(
  db: Executor,
  organisationId: number,
  postId: number,
  mediaId: number,
  alt: Translated,
): Promise<boolean> {
  const result = await db
    .updateTable('publishing_media')
    .set({ alt: JSON.stringify(alt) })
    .where('id', '=', mediaId)
    .where('post_id', '=', postId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteMedia(
  db: Executor,
  organisationId: number,
  postId: number,
  mediaId: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('publishing_media')
    .where('id', '=', mediaId)
    .where('post_id', '=', postId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** A picture's bytes, for its public address (only of posts published, or for staff). */
export async function findMediaData(
  db: Executor,
  organisationId: number,
  mediaId: number,
): Promise<{ contentType: string; data: Uint8Array; postState: string } | undefined> {
  const row = await db
    .selectFrom('publishing_media as m')
    .innerJoin('publishing_post as p', 'p.id', 'm.post_id')
    .select(['m.content_type', 'm.data', 'p.state'])
    .where('m.id', '=', mediaId)
    .where('m.organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!row?.data) return undefined;
  return { contentType: row.content_type, data: row.data, postState: row.state };
}
