import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

export interface RateLimitRule {
  /** What is counted, e.g. `sign-in:ip:203.0.113.9`. */
  key: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Counts one hit against a fixed window kept in the database, so that every server process shares the
 * same counters. Returns whether the hit is within the limit and, if not, when to try again.
 */
export async function consumeRateLimit(db: Executor, organisationId: number, rule: RateLimitRule): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(Date.now() / windowMs) * windowMs);
  const row = await sql<{ hits: number }>`
    insert into core_rate_limit (organisation_id, key, window_start, hits) values (${organisationId}, ${rule.key}, ${windowStart}, 1)
    on conflict (organisation_id, key, window_start) do update set hits = core_rate_limit.hits + 1
    returning hits`.execute(db);
  const hits = row.rows[0]?.hits ?? 1;
  const retryAfterSeconds = Math.ceil((windowStart.getTime() + windowMs - Date.now()) / 1000);
  return { allowed: hits <= rule.limit, retryAfterSeconds };
}

/** Removes windows that have ended; run by a periodic job. */
export async function pruneRateLimits(db: Executor): Promise<void> {
  await db.deleteFrom('core_rate_limit').where('window_start', '<', new Date(Date.now() - 86_400_000)).execute();
}
