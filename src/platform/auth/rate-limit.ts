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
export async function consumeRateLimit(
  db: Executor,
  organisationId: number,
  rule: RateLimitRule,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
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

/**
 * Rate limits counted in the platform's shared table (`core_rate_limit`, the windows of
 * consumeRateLimit) but reserved in blocks: a process adds a block of hits to the window's counter in
 * one statement and hands them out from memory, so a busy API key costs one write per block instead of
 * a write and a commit per request (and no row that every request locks). Never more than `limit`
 * hits are granted per window across all processes; a block a process does not use up still counts,
 * so the limit can be reached up to (block − 1) hits per process early. Blocks are 1/20 of the limit,
 * at most 50: with a small limit every request is counted in the database, as before. Once the window
 * is full, the process refuses without asking the database again until the next window. For busy
 * keyed clients (Open311 API keys); keep one instance per process and use `consumeRateLimit` for rare hits.
 */
export class ReservedRateLimits {
  readonly #blocks = new Map<
    string,
    { windowStart: number; left: number; counted: number; full: boolean; pending: Promise<void> | null }
  >();

  async take(
    db: Executor,
    organisationId: number,
    rule: RateLimitRule,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number; remaining: number }> {
    const windowMs = rule.windowSeconds * 1000;
    for (;;) {
      const now = Date.now();
      const windowStart = Math.floor(now / windowMs) * windowMs;
      const retryAfterSeconds = Math.ceil((windowStart + windowMs - now) / 1000);
      const id = `${organisationId}|${rule.key}`;
      let block = this.#blocks.get(id);
      if (!block || block.windowStart !== windowStart) {
        if (this.#blocks.size >= 10_000) this.#blocks.clear();
        block = { windowStart, left: 0, counted: 0, full: false, pending: null };
        this.#blocks.set(id, block);
      }
      if (block.left > 0) {
        block.left--;
        // what no process has taken yet: the limit less the hits counted when this one last reserved
        const remaining = Math.max(0, rule.limit - block.counted + block.left);
        return { allowed: true, retryAfterSeconds, remaining };
      }
      if (block.full) return { allowed: false, retryAfterSeconds, remaining: 0 };
      // one reservation at a time per key and process; the others wait for it and try again
      const current = block;
      current.pending ??= this.#reserve(db, organisationId, rule, current).finally(() => {
        current.pending = null;
      });
      await current.pending;
    }
  }

  async #reserve(
    db: Executor,
    organisationId: number,
    rule: RateLimitRule,
    block: { windowStart: number; left: number; counted: number; full: boolean },
  ): Promise<void> {
    const size = Math.max(1, Math.min(50, Math.floor(rule.limit / 20)));
    const row = await sql<{ hits: number }>`
      insert into core_rate_limit (organisation_id, key, window_start, hits) values (${organisationId}, ${rule.key}, ${new Date(block.windowStart)}, ${size})
      on conflict (organisation_id, key, window_start) do update set hits = core_rate_limit.hits + ${size}
      returning hits`.execute(db);
    const hits = row.rows[0]?.hits ?? size;
    const granted = Math.max(0, Math.min(size, rule.limit - (hits - size)));
    block.left += granted;
    block.counted = Math.min(rule.limit, hits);
    if (granted < size) block.full = true;
  }
}

/** Removes windows that have ended; run by a periodic job. */
export async function pruneRateLimits(db: Executor): Promise<void> {
  await db
    .deleteFrom('core_rate_limit')
    .where('window_start', '<', new Date(Date.now() - 86_400_000))
    .execute();
}

/** The hits counted so far in the current window of a rule, without counting one more. */
export async function peekRateLimit(
  db: Executor,
  organisationId: number,
  rule: RateLimitRule,
): Promise<{ allowed: boolean; hits: number; retryAfterSeconds: number }> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(Date.now() / windowMs) * windowMs);
  const row = await db
    .selectFrom('core_rate_limit')
    .select('hits')
    .where('organisation_id', '=', organisationId)
    .where('key', '=', rule.key)
    .where('window_start', '=', windowStart)
    .executeTakeFirst();
  const hits = row?.hits ?? 0;
  const retryAfterSeconds = Math.ceil((windowStart.getTime() + windowMs - Date.now()) / 1000);
  return { allowed: hits < rule.limit, hits, retryAfterSeconds };
}

/** Forgets every window of a key (e.g. failed sign-ins of an address after its owner signed in). */
export async function clearRateLimit(db: Executor, organisationId: number, key: string): Promise<void> {
  await db.deleteFrom('core_rate_limit').where('organisation_id', '=', organisationId).where('key', '=', key).execute();
}
