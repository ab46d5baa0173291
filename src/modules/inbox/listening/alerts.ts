import { sql } from 'kysely';
import type { AppContext } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/database.ts';
import { findAlertFigures } from './listening.repository.ts';
import '../inbox.schema.ts';

/** The recurring job that looks for jumps in volume or negative sentiment. */
export const ALERTS_JOB = 'inbox.alerts';
export const ALERTS_EVERY_MS = 30 * 60_000;

const WINDOW_HOURS = 24;
const BASELINE_DAYS = 14;
/** Fewer messages than this in a day are never a jump, however quiet the district usually is. */
const MIN_MESSAGES = 5;

export interface AlertCandidate {
  kind: 'volume' | 'negative';
  districtId: number | null;
  topic: string | null;
  observed: number;
  expected: number;
}

/**
 * Decides which districts and topics jumped in the last day against the two weeks before: volume when
 * the day's count is at least twice the daily average and beyond three standard deviations of a
 * Poisson count; negative sentiment when the share of negative messages rose by 20 points or more and
 * beyond three standard deviations of the usual share. Small counts never alert.
 */
export function detectJumps(
  figures: Array<{
    districtId: number | null;
    topic: string | null;
    recent: number;
    recentNegative: number;
    baseline: number;
    baselineNegative: number;
  }>,
): AlertCandidate[] {
  const alerts: AlertCandidate[] = [];
  for (const row of figures) {
    const expected = (row.baseline / BASELINE_DAYS) * (WINDOW_HOURS / 24);
    if (
      row.recent >= MIN_MESSAGES &&
      row.recent >= 2 * expected &&
      row.recent > expected + 3 * Math.sqrt(Math.max(expected, 1))
    ) {
      alerts.push({
        kind: 'volume',
        districtId: row.districtId,
        topic: row.topic,
        observed: row.recent,
        expected: round(expected),
      });
    }
    const usualShare = (row.baselineNegative + 1) / (row.baseline + 3);
    const share = row.recent === 0 ? 0 : row.recentNegative / row.recent;
    const spread = Math.sqrt((usualShare * (1 - usualShare)) / Math.max(row.recent, 1));
    if (row.recentNegative >= MIN_MESSAGES && share >= usualShare + 0.2 && share > usualShare + 3 * spread) {
      alerts.push({
        kind: 'negative',
        districtId: row.districtId,
        topic: row.topic,
        observed: round(share),
        expected: round(usualShare),
      });
    }
  }
  return alerts;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Looks for jumps in every city and records each once per day and subject (a unique index keeps a
 * second run, or a second server, from repeating it). Returns how many alerts are new.
 */
export async function raiseAlerts(ctx: AppContext, now = new Date()): Promise<number> {
  const windowStart = new Date(now.getTime() - WINDOW_HOURS * 3_600_000);
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const cities = await ctx.db
    .selectFrom('inbox_message')
    .select('organisation_id')
    .where('sent_at', '>=', windowStart)
    .distinct()
    .execute();
  let raised = 0;
  for (const { organisation_id: organisationId } of cities) {
    const figures = await findAlertFigures(ctx.db, organisationId, windowStart, now, BASELINE_DAYS);
    for (const alert of detectJumps(figures)) raised += await insertAlert(ctx.db, organisationId, alert, day, now);
  }
  if (raised > 0) ctx.log.info({ raised }, 'inbox listening alerts raised');
  return raised;
}

async function insertAlert(
  db: Executor,
  organisationId: number,
  alert: AlertCandidate,
  day: Date,
  now: Date,
): Promise<number> {
  const result = await sql`
    insert into inbox_alert (organisation_id, kind, district_id, topic, window_start, window_end, observed, expected)
    values (${organisationId}, ${alert.kind}, ${alert.districtId}, ${alert.topic}, ${day}, ${now}, ${alert.observed}, ${alert.expected})
    on conflict do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** The city's alerts, newest first; open ones only unless asked. */
export async function findAlerts(
  db: Executor,
  organisationId: number,
  options: { includeAcknowledged?: boolean; limit?: number } = {},
) {
  let query = db.selectFrom('inbox_alert').selectAll().where('organisation_id', '=', organisationId);
  if (!options.includeAcknowledged) query = query.where('acknowledged_at', 'is', null);
  return query
    .orderBy('window_start', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 20)
    .execute();
}

/** Marks an alert as seen by a member of staff. */
export async function acknowledgeAlert(
  db: Executor,
  organisationId: number,
  alertId: number,
  userId: number,
): Promise<boolean> {
  const result = await db
    .updateTable('inbox_alert')
    .set({ acknowledged_at: new Date(), acknowledged_by: userId })
    .where('id', '=', alertId)
    .where('organisation_id', '=', organisationId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
