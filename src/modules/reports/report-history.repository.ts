// The public history of reports: a report's page and feed, Open311 service request updates.

import type { Executor } from '../../platform/db/database.ts';
import { idOf } from './column-values.ts';

export interface PublicUpdate {
  id: number;
  reportId: number;
  kind: string;
  statusTo: string | null;
  isOpen: boolean;
  publicText: string | null;
  createdAt: Date;
}

/** Public history lines of all reports in a period, oldest first (Open311 servicerequestupdates). */
export async function findPublicUpdates(
  db: Executor,
  organisationId: number,
  from: Date,
  to: Date,
  limit: number,
): Promise<PublicUpdate[]> {
  const rows = await db
    .selectFrom('reports_update as u')
    .innerJoin('reports_report as r', 'r.id', 'u.report_id')
    .select(['u.id', 'u.report_id', 'u.kind', 'u.status_to', 'r.status', 'u.public_text', 'u.created_at'])
    .where('u.organisation_id', '=', organisationId)
    .where('u.hidden_at', 'is', null)
    .where('r.hidden_at', 'is', null)
    .where('u.created_at', '>=', from)
    .where('u.created_at', '<=', to)
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    reportId: idOf(row.report_id),
    kind: row.kind,
    statusTo: row.status_to,
    isOpen: ['new', 'confirmed', 'in_progress', 'planned'].includes(row.status_to ?? row.status),
    publicText: row.public_text,
    createdAt: row.created_at,
  }));
}

export interface HistoryLine {
  id: number;
  kind: string;
  statusFrom: string | null;
  statusTo: string | null;
  publicText: string | null;
  authorName: string | null;
  byStaff: boolean;
  createdAt: Date;
}

/** A report's public history, oldest first: never internal notes, re-routing reasons or hidden lines. */
export async function findPublicHistory(
  db: Executor,
  organisationId: number,
  reportId: number,
): Promise<HistoryLine[]> {
  const rows = await db
    .selectFrom('reports_update as u')
    .leftJoin('core_user as a', 'a.id', 'u.author_id')
    .select([
      'u.id',
      'u.kind',
      'u.status_from',
      'u.status_to',
      'u.public_text',
      'u.author_label',
      'a.display_name',
      'a.deleted_at',
      'a.role',
      'u.created_at',
    ])
    .where('u.organisation_id', '=', organisationId)
    .where('u.report_id', '=', reportId)
    .where('u.hidden_at', 'is', null)
    .where('u.kind', 'in', ['created', 'status', 'answer', 'comment', 'reopen', 'merge'])
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(500)
    .execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    kind: row.kind,
    statusFrom: row.status_from,
    statusTo: row.status_to,
    publicText: row.public_text,
    authorName: row.deleted_at ? null : (row.author_label ?? row.display_name ?? null),
    byStaff: row.role !== null && row.role !== 'resident',
    createdAt: row.created_at,
  }));
}

/** The id of the latest update a person wrote on a report (to attach the photos sent with it). */
export async function findLatestUpdateIdBy(
  db: Executor,
  reportId: number,
  authorId: number,
): Promise<number | undefined> {
  const line = await db
    .selectFrom('reports_update')
    .select('id')
    .where('report_id', '=', reportId)
    .where('author_id', '=', authorId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return line ? idOf(line.id) : undefined;
}
