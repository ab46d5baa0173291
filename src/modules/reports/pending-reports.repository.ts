import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db/database.ts';
import { idOf, parseJsonColumn } from './column-values.ts';

/** A report waiting for its address to confirm it, as stored. */
export interface PendingReport {
  id: number;
  email: string;
  submission: Record<string, unknown>;
  photoToken: string | null;
  reportId: number | null;
  expiresAt: Date;
  confirmedAt: Date | null;
}

/** Stores a report that waits for confirmation; `tokenHash` is the hash of the mailed link's token. */
export async function insertPendingReport(
  tx: Tx,
  row: {
    organisationId: number;
    email: string;
    tokenHash: string;
    submission: Record<string, unknown>;
    photoToken: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  await tx
    .insertInto('reports_pending_report')
    .values({
      organisation_id: row.organisationId,
      email: row.email,
      token_hash: row.tokenHash,
      submission: JSON.stringify(row.submission),
      photo_token: row.photoToken,
      report_id: null,
      expires_at: row.expiresAt,
      confirmed_at: null,
    })
    .execute();
}

/** The pending report a confirmation token names (used or not, expired or not), if it is still stored. */
export async function findPendingReport(
  db: Executor,
  organisationId: number,
  tokenHash: string,
): Promise<PendingReport | undefined> {
  const row = await db
    .selectFrom('reports_pending_report')
    .select(['id', 'email', 'submission', 'photo_token', 'report_id', 'expires_at', 'confirmed_at'])
    .where('organisation_id', '=', organisationId)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: idOf(row.id),
    email: row.email,
    submission: parseJsonColumn(row.submission),
    photoToken: row.photo_token,
    reportId: row.report_id === null ? null : idOf(row.report_id),
    expiresAt: new Date(row.expires_at),
    confirmedAt: row.confirmed_at === null ? null : new Date(row.confirmed_at),
  };
}

/**
 * Marks a pending report as confirmed into `reportId`, in the transaction that stores the report. Answers
 * false when it was confirmed meanwhile (a second click, a concurrent request: the row lock makes the
 * second wait and then find it taken) or has expired; the caller then rolls the report back.
 */
export async function claimPendingReport(tx: Tx, id: number, reportId: number): Promise<boolean> {
  const result = await tx
    .updateTable('reports_pending_report')
    .set({ report_id: reportId, confirmed_at: new Date() })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes the pending reports whose link has expired, confirmed or not (called by the notify job). */
export async function deleteExpiredPendingReports(db: Executor): Promise<number> {
  const result = await db
    .deleteFrom('reports_pending_report')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
