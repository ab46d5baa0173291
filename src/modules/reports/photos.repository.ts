import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../../platform/db/database.ts';
import type { PhotoType } from './photos.ts';
import { idOf } from './column-values.ts';

export interface StoredPhoto {
  id: number;
  reportId: number | null;
  updateId: number | null;
  contentType: PhotoType;
  byteSize: number;
  createdAt: Date;
}

/**
 * Stores checked photos before their report exists (while the resident looks at similar reports),
 * under one random token that the confirmation form carries.
 */
export async function storePendingPhotos(
  db: Executor,
  organisationId: number,
  authorId: number | null,
  photos: Array<{ type: PhotoType; data: Buffer }>,
  existingToken?: string,
): Promise<string | null> {
  if (photos.length === 0) return existingToken ?? null;
  const token = existingToken ?? randomBytes(16).toString('hex');
  await db
    .insertInto('reports_photo')
    .values(
      photos.map((photo) => ({
        organisation_id: organisationId,
        report_id: null,
        update_id: null,
        author_id: authorId,
        pending_token: token,
        content_type: photo.type,
        byte_size: photo.data.length,
        sha256: createHash('sha256').update(photo.data).digest('hex'),
        data: photo.data,
        hidden_at: null,
        hidden_reason: null,
      })),
    )
    .execute();
  return token;
}

/** How many photos wait under a pending token (0 for an unknown token). */
export async function countPendingPhotos(db: Executor, organisationId: number, token: string): Promise<number> {
  if (!/^[0-9a-f]{32}$/.test(token)) return 0;
  const row = await db
    .selectFrom('reports_photo')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('pending_token', '=', token)
    .where('report_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Attaches the photos stored under a pending token to a report (and optionally one of its history lines). */
export async function attachPendingPhotos(
  db: Executor,
  organisationId: number,
  token: string,
  reportId: number,
  updateId: number | null = null,
): Promise<number> {
  const result = await db
    .updateTable('reports_photo')
    .set({ report_id: reportId, update_id: updateId, pending_token: null })
    .where('organisation_id', '=', organisationId)
    .where('pending_token', '=', token)
    .where('report_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Stores checked photos directly on a report. */
export async function addPhotos(
  db: Executor,
  organisationId: number,
  reportId: number,
  updateId: number | null,
  authorId: number | null,
  photos: Array<{ type: PhotoType; data: Buffer }>,
): Promise<void> {
  if (photos.length === 0) return;
  await db
    .insertInto('reports_photo')
    .values(
      photos.map((photo) => ({
        organisation_id: organisationId,
        report_id: reportId,
        update_id: updateId,
        author_id: authorId,
        pending_token: null,
        content_type: photo.type,
        byte_size: photo.data.length,
        sha256: createHash('sha256').update(photo.data).digest('hex'),
        data: photo.data,
        hidden_at: null,
        hidden_reason: null,
      })),
    )
    .execute();
}

/** The visible photos of a report, without their bytes, oldest first. */
export async function findReportPhotos(db: Executor, organisationId: number, reportId: number): Promise<StoredPhoto[]> {
  const rows = await db
    .selectFrom('reports_photo')
    .select(['id', 'report_id', 'update_id', 'content_type', 'byte_size', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .where('report_id', '=', reportId)
    .where('hidden_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    reportId: row.report_id === null ? null : idOf(row.report_id),
    updateId: row.update_id === null ? null : idOf(row.update_id),
    contentType: row.content_type,
    byteSize: row.byte_size,
    createdAt: row.created_at,
  }));
}

/** The first visible photo of each report (by report id), for lists that show one picture per report. */
export async function findFirstPhotoIds(
  db: Executor,
  organisationId: number,
  reportIds: readonly number[],
): Promise<Map<number, number>> {
  if (reportIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('reports_photo')
    .select(['report_id', (eb) => eb.fn.min('id').as('id')])
    .where('organisation_id', '=', organisationId)
    .where('report_id', 'in', [...reportIds])
    .where('hidden_at', 'is', null)
    .groupBy('report_id')
    .execute();
  return new Map(rows.map((row) => [idOf(row.report_id as number), idOf(row.id)]));
}

/** One visible photo's bytes, only when it belongs to the given public report. */
export async function findPhotoData(
  db: Executor,
  organisationId: number,
  reportId: number,
  photoId: number,
): Promise<{ contentType: PhotoType; data: Buffer; sha256: string } | undefined> {
  const row = await db
    .selectFrom('reports_photo as p')
    .innerJoin('reports_report as r', 'r.id', 'p.report_id')
    .select(['p.content_type', 'p.data', 'p.sha256'])
    .where('p.organisation_id', '=', organisationId)
    .where('p.id', '=', photoId)
    .where('p.report_id', '=', reportId)
    .where('p.hidden_at', 'is', null)
    .where('r.hidden_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return { contentType: row.content_type, data: Buffer.from(row.data), sha256: row.sha256 };
}

/**
 * Moves the photos waiting under one pending token to another (a report held for confirmation takes
 * the photos the resident chose in earlier steps under a token of its own). Answers how many moved.
 */
export async function movePendingPhotos(
  db: Executor,
  organisationId: number,
  fromToken: string,
  toToken: string,
): Promise<number> {
  const result = await db
    .updateTable('reports_photo')
    .set({ pending_token: toToken })
    .where('organisation_id', '=', organisationId)
    .where('pending_token', '=', fromToken)
    .where('report_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes photos that were uploaded but whose report was never sent (called by the sweep job); the
 * photos of a report still waiting for its confirmation are kept until that report expires.
 */
export async function deleteAbandonedPhotos(db: Executor, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom('reports_photo')
    .where('report_id', 'is', null)
    .where('created_at', '<', olderThan)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('reports_pending_report as p')
            .select('p.id')
            .whereRef('p.photo_token', '=', 'reports_photo.pending_token')
            .where('p.confirmed_at', 'is', null),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
