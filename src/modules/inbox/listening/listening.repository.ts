import { sql } from 'kysely';
import type { Executor } from '../../../platform/db/database.ts';
import type { AlertCandidate } from './alerts.ts';
import type { Sentiment } from '../inbox.schema.ts';
import '../inbox.schema.ts';

/** What the listening dashboard looks at: incoming messages of a period, optionally narrowed. */
export interface ListeningScope {
  organisationId: number;
  from: Date;
  to: Date;
  timeZone: string;
  districtId?: number | undefined;
  topic?: string | undefined;
  channelId?: number | undefined;
}

export interface SentimentCounts {
  total: number;
  negative: number;
  neutral: number;
  positive: number;
}

export interface DayVolume extends SentimentCounts {
  day: string;
}

export interface GroupVolume extends SentimentCounts {
  key: string | null;
}

function scoped(scope: ListeningScope) {
  return sql`m.organisation_id = ${scope.organisationId} and m.direction = 'in' and m.sent_at >= ${scope.from} and m.sent_at < ${scope.to}
    ${scope.districtId !== undefined ? sql`and m.district_id = ${scope.districtId}` : sql``}
    ${scope.topic !== undefined ? sql`and m.topic = ${scope.topic}` : sql``}
    ${scope.channelId !== undefined ? sql`and m.channel_id = ${scope.channelId}` : sql``}`;
}

const COUNTS = sql`count(*)::int as total,
  count(*) filter (where m.sentiment = 'negative')::int as negative,
  count(*) filter (where m.sentiment = 'neutral')::int as neutral,
  count(*) filter (where m.sentiment = 'positive')::int as positive`;

/** Messages per day of the period (in the city's time zone) with their sentiment; days without any are absent. */
export async function findVolumeByDay(db: Executor, scope: ListeningScope): Promise<DayVolume[]> {
  const result = await sql<DayVolume>`
    select to_char(date_trunc('day', m.sent_at at time zone ${scope.timeZone}), 'YYYY-MM-DD') as day, ${COUNTS}
    from inbox_message m where ${scoped(scope)}
    group by 1 order by 1`.execute(db);
  return result.rows;
}

/** Messages of the period per district or per topic, with their sentiment, largest first. */
export async function findVolumeBy(
  db: Executor,
  scope: ListeningScope,
  dimension: 'district' | 'topic' | 'channel' | 'language',
): Promise<GroupVolume[]> {
  const column = {
    district: sql`m.district_id::text`,
    topic: sql`m.topic`,
    channel: sql`m.channel_id::text`,
    language: sql`m.language`,
  }[dimension];
  const result = await sql<GroupVolume>`
    select ${column} as key, ${COUNTS}
    from inbox_message m where ${scoped(scope)}
    group by 1 order by total desc, key`.execute(db);
  return result.rows;
}

/** The texts of the period for term counting, newest first, at most `limit` (erased ones are empty and skipped). */
export async function findTexts(
  db: Executor,
  scope: ListeningScope,
  limit = 5000,
): Promise<Array<{ body: string; language: string | null; sentiment: Sentiment | null }>> {
  const result = await sql<{ body: string; language: string | null; sentiment: Sentiment | null }>`
    select m.body, m.language, m.sentiment from inbox_message m
    where ${scoped(scope)} and m.erased_at is null
    order by m.sent_at desc limit ${limit}`.execute(db);
  return result.rows;
}

/**
 * Counts per (district, topic) in a recent window and per day over a baseline before it, for alerts:
 * `recent` and `recentNegative` are counts in [windowStart, windowEnd); `baselinePerDay` and
 * `baselineNegativeShare` describe the `baselineDays` before the window. Rows with a null district or
 * topic stand for "all" of that dimension (grouping sets).
 */
export async function findAlertFigures(
  db: Executor,
  organisationId: number,
  windowStart: Date,
  windowEnd: Date,
  baselineDays: number,
): Promise<
  Array<{
    districtId: number | null;
    topic: string | null;
    recent: number;
    recentNegative: number;
    baseline: number;
    baselineNegative: number;
  }>
> {
  const baselineStart = new Date(windowStart.getTime() - baselineDays * 86_400_000);
  const result = await sql<{
    district_id: number | null;
    topic: string | null;
    recent: number;
    recent_negative: number;
    baseline: number;
    baseline_negative: number;
    grouped_district: number;
    grouped_topic: number;
  }>`
    select m.district_id, m.topic,
      count(*) filter (where m.sent_at >= ${windowStart})::int as recent,
      count(*) filter (where m.sent_at >= ${windowStart} and m.sentiment = 'negative')::int as recent_negative,
      count(*) filter (where m.sent_at < ${windowStart})::int as baseline,
      count(*) filter (where m.sent_at < ${windowStart} and m.sentiment = 'negative')::int as baseline_negative,
      grouping(m.district_id)::int as grouped_district, grouping(m.topic)::int as grouped_topic
    from inbox_message m
    where m.organisation_id = ${organisationId} and m.direction = 'in' and m.sent_at >= ${baselineStart} and m.sent_at < ${windowEnd}
    group by grouping sets ((m.district_id), (m.topic))`.execute(db);
  return result.rows
    .filter((row) => (row.grouped_district === 0 ? row.district_id !== null : row.topic !== null))
    .map((row) => ({
      districtId: row.grouped_district === 0 ? row.district_id : null,
      topic: row.grouped_topic === 0 ? row.topic : null,
      recent: row.recent,
      recentNegative: row.recent_negative,
      baseline: row.baseline,
      baselineNegative: row.baseline_negative,
    }));
}

/** The cities that received messages since this moment. */
export async function findCitiesWithMessagesSince(db: Executor, since: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('inbox_message')
    .select('organisation_id')
    .where('sent_at', '>=', since)
    .distinct()
    .execute();
  return rows.map((row) => row.organisation_id);
}

/** Records an alert once per day and subject (a unique index drops a repeat); 1 when it is new. */
export async function insertAlert(
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
