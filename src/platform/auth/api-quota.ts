import type { Executor } from '../db/database.ts';
import type { ApiKeyQuota } from './api-keys.ts';
import { ReservedRateLimits } from './rate-limit.ts';

const WINDOWS = [
  { name: 'hour', seconds: 3600, limit: (quota: ApiKeyQuota) => quota.perHour },
  { name: 'day', seconds: 86_400, limit: (quota: ApiKeyQuota) => quota.perDay },
] as const;

export interface QuotaAnswer {
  allowed: boolean;
  retryAfterSeconds: number;
  /**
   * The headers of draft-ietf-httpapi-ratelimit-headers (-10): `RateLimit-Policy` (each window's quota
   * `q` over `w` seconds) and `RateLimit` (what is left, `r`, and the seconds until the window resets,
   * `t`); absent for a key without limits.
   */
  headers: Record<string, string>;
}

/**
 * Counts the requests of each API key against its quota per hour and per day, in the platform's shared
 * windows (core_rate_limit) reserved in blocks, so a busy key costs a write per block, not per request.
 * One instance per process.
 */
export class ApiQuotas {
  readonly #limits = new ReservedRateLimits();

  async take(db: Executor, organisationId: number, key: { id: number; quota: ApiKeyQuota }): Promise<QuotaAnswer> {
    const policy: string[] = [];
    const state: string[] = [];
    for (const window of WINDOWS) {
      const limit = window.limit(key.quota);
      if (limit === null) continue;
      const taken = await this.#limits.take(db, organisationId, {
        key: `api-key:${key.id}:${window.name}`,
        limit,
        windowSeconds: window.seconds,
      });
      policy.push(`"${window.name}";q=${limit};w=${window.seconds}`);
      state.push(`"${window.name}";r=${taken.remaining};t=${taken.retryAfterSeconds}`);
      if (!taken.allowed) {
        return {
          allowed: false,
          retryAfterSeconds: taken.retryAfterSeconds,
          headers: { 'ratelimit-policy': policy.join(', '), ratelimit: state.join(', ') },
        };
      }
    }
    return {
      allowed: true,
      retryAfterSeconds: 0,
      headers: policy.length ? { 'ratelimit-policy': policy.join(', '), ratelimit: state.join(', ') } : {},
    };
  }
}

/** What a key has used of one window of its quota (`used` null: no limit there, so nothing is counted). */
export interface QuotaUsage {
  window: 'hour' | 'day';
  limit: number | null;
  used: number | null;
  left: number | null;
  /** When the window starts again. */
  resetsAt: Date;
}

/**
 * A key's use of its quota in the current hour and day, read from the shared windows. Processes reserve
 * requests in blocks (ReservedRateLimits), so `used` counts what has been reserved: it may run ahead of
 * the requests really made by part of a block per process, never behind.
 */
export async function readApiKeyUsage(
  db: Executor,
  organisationId: number,
  key: { id: number; quota: ApiKeyQuota },
  now = Date.now(),
): Promise<QuotaUsage[]> {
  const windows = WINDOWS.map((window) => {
    const windowMs = window.seconds * 1000;
    const start = Math.floor(now / windowMs) * windowMs;
    return { window, start, key: `api-key:${key.id}:${window.name}`, resetsAt: new Date(start + windowMs) };
  });
  const rows = await db
    .selectFrom('core_rate_limit')
    .select(['key', 'window_start', 'hits'])
    .where('organisation_id', '=', organisationId)
    .where(
      'key',
      'in',
      windows.map((window) => window.key),
    )
    .execute();
  return windows.map(({ window, start, key: name, resetsAt }) => {
    const limit = window.limit(key.quota);
    const hits = rows.find((row) => row.key === name && new Date(row.window_start).getTime() === start)?.hits ?? 0;
    const used = limit === null ? null : Math.min(hits, limit);
    return { window: window.name, limit, used, left: limit === null || used === null ? null : limit - used, resetsAt };
  });
}
