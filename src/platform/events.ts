import { sql } from 'kysely';
import type { TSchema } from 'typebox';
import type { Executor } from './db/database.ts';

/**
 * Events: facts a module announces to whoever listens (the webhooks module sends them to the city's
 * subscribers), without knowing who listens. A module
 *
 * - declares each type it emits in its manifest's `events` (name, version, the TypeBox schema of `data`)
 *   and its data's TypeScript type by declaration merging into `EventData`;
 * - records one with `recordEvent(tx, organisationId, type, data)` in the transaction of the change, so an
 *   event exists exactly when the change committed (the outbox pattern: nothing acknowledged is lost,
 *   nothing rolled back is announced).
 *
 * `data` holds public fields only (ids, codes, statuses, dates, the public page's `path`), never personal
 * data: it leaves the installation. Readers (`readEvents`) keep their own cursor. Events older than
 * `EVENT_RETENTION_DAYS` are removed by the platform's maintenance.
 */

/** The data of each event type, by type name; modules add theirs (`declare module '…/platform/events.ts'`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventData {}

export type EventType = keyof EventData;

/** A type of event as a module declares it in its manifest. */
export interface EventDeclaration {
  type: EventType;
  /** The version of `data`'s shape; a change that breaks readers raises it. */
  version: number;
  /** The schema of `data` (public fields; `path` is the path of the public page on the city's site). */
  data: TSchema;
}

export const EVENT_RETENTION_DAYS = 30;

/** Records an event in the caller's transaction: it exists if and only if the transaction commits. */
export async function recordEvent<T extends EventType>(
  executor: Executor,
  organisationId: number,
  type: T,
  data: EventData[T],
): Promise<void> {
  await executor
    .insertInto('core_event')
    .values({ organisation_id: organisationId, type, data: JSON.stringify(data) })
    .execute();
}

/** Where a reader stopped: the last event it took, in (transaction, id) order. */
export interface EventCursor {
  tx: string;
  id: string;
}

export interface RecordedEvent {
  id: string;
  tx: string;
  type: string;
  data: unknown;
  occurredAt: Date;
}

/**
 * The city's events after `after` (all when null), oldest first, at most `limit`: only those of
 * transactions that have all ended, so an event committed later by a transaction that began earlier
 * is never passed over. The last event answered is the reader's next cursor.
 */
export async function readEvents(
  executor: Executor,
  organisationId: number,
  after: EventCursor | null,
  limit: number,
): Promise<RecordedEvent[]> {
  let query = executor
    .selectFrom('core_event')
    // aliases of their own: `order by tx` must sort the xid8 column, not its text (where '1000' < '999')
    .select([sql<string>`id::text`.as('id_text'), sql<string>`tx::text`.as('tx_text'), 'type', 'data', 'occurred_at'])
    .where('organisation_id', '=', organisationId)
    .where(sql<boolean>`tx < pg_snapshot_xmin(pg_current_snapshot())`);
  if (after) query = query.where(sql<boolean>`(tx, id) > (${after.tx}::xid8, ${after.id}::bigint)`);
  const rows = await query.orderBy('core_event.tx').orderBy('core_event.id').limit(limit).execute();
  return rows.map((row) => ({
    id: row.id_text,
    tx: row.tx_text,
    type: row.type,
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as unknown) : row.data,
    occurredAt: row.occurred_at,
  }));
}

/** Removes events older than the retention (maintenance). */
export async function pruneEvents(executor: Executor, now = new Date()): Promise<void> {
  await executor
    .deleteFrom('core_event')
    .where('occurred_at', '<', new Date(now.getTime() - EVENT_RETENTION_DAYS * 24 * 3_600_000))
    .execute();
}
