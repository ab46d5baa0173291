import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/database.ts';
import { hashToken, safeEqual } from './tokens.ts';

/**
 * What an API key may do, ticked by the administrator who issues it: submit reports through Open311
 * (`open311`), read the staff reports API (`reports.read`), act on reports through it (`reports.write`),
 * write draft posts through the publishing API (`publishing.write`).
 * A key never administers the city. A request with a key that lacks the scope is refused
 * (`API_KEY_SCOPE`), whatever its issuer may do.
 */
export const API_KEY_SCOPES = ['open311', 'reports.read', 'reports.write', 'publishing.write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** Requests an API key may make per hour and per day; null is no limit in that window. */
export interface ApiKeyQuota {
  perHour: number | null;
  perDay: number | null;
}

/** The quota of a new key unless its administrator chooses another. */
export const DEFAULT_API_KEY_QUOTA: ApiKeyQuota = { perHour: 1000, perDay: 20_000 };

/** Creates an API key; the plain key is returned once and only its hash is stored. */
export async function createApiKey(
  db: Executor,
  organisationId: number,
  name: string,
  createdBy: number | null,
  scopes: readonly ApiKeyScope[],
  quota: ApiKeyQuota = DEFAULT_API_KEY_QUOTA,
) {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const key = `ic_${prefix}_${secret}`;
  const row = await db
    .insertInto('core_api_key')
    .values({
      organisation_id: organisationId,
      name,
      prefix,
      key_hash: hashToken(key),
      created_by: createdBy,
      last_used_at: null,
      revoked_at: null,
      scopes: [...scopes],
      quota_per_hour: quota.perHour,
      quota_per_day: quota.perDay,
    })
    .returning(['id', 'name', 'prefix', 'created_at', 'scopes', 'quota_per_hour', 'quota_per_day'])
    .executeTakeFirstOrThrow();
  return { ...row, key };
}

/** The organisation and id of a valid, unrevoked key; undefined for anything else. */
export async function verifyApiKey(
  db: Executor,
  key: string,
): Promise<
  { id: number; organisationId: number; name: string; scopes: ApiKeyScope[]; quota: ApiKeyQuota } | undefined
> {
  const match = /^ic_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key);
  if (!match) return undefined;
  const row = await db
    .selectFrom('core_api_key')
    .select(['id', 'organisation_id', 'name', 'key_hash', 'scopes', 'quota_per_hour', 'quota_per_day'])
    .where('prefix', '=', match[1] as string)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !safeEqual(row.key_hash, hashToken(key))) return undefined;
  // "Last used" needs minutes, not milliseconds: writing it on every request would cost a commit each.
  await db
    .updateTable('core_api_key')
    .set({ last_used_at: new Date() })
    .where('id', '=', row.id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(Date.now() - 5 * 60_000))]))
    .execute();
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    scopes: row.scopes.filter(isApiKeyScope),
    quota: { perHour: row.quota_per_hour, perDay: row.quota_per_day },
  };
}

/** Changes a key's quota; false when the city has no such key. */
export async function setApiKeyQuota(
  db: Executor,
  organisationId: number,
  id: number,
  quota: ApiKeyQuota,
): Promise<boolean> {
  const result = await db
    .updateTable('core_api_key')
    .set({ quota_per_hour: quota.perHour, quota_per_day: quota.perDay })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
