import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';

/**
 * Milliseconds of a Temporal duration (Fedify's TTLs and delays). Node has no global Temporal yet and the
 * type checker no Temporal types, so the value is taken as unknown and read through its `total` method.
 */
export function durationMs(duration: unknown): number {
  const total = (duration as { total?: (unit: { unit: 'millisecond' }) => number } | undefined)?.total;
  if (typeof total !== 'function') return 0;
  return Math.max(0, total.call(duration, { unit: 'millisecond' }));
}

/** Both drivers hand jsonb back parsed. */
function decode(value: unknown): unknown {
  return value;
}

/** A key as one text[] parameter (the query builder would spread an array into a list). */
function keyParam(key: KvKey) {
  return sql<string[]>`cast(${[...key]} as text[])`;
}

/** JSON text of a value Fedify stores (`undefined` is kept as null, as JSON can only say that). */
function encode(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * Fedify's key-value store (caches of remote documents and keys, idempotency marks, the circuit breaker's
 * state) in the table `fediverse_kv`, on PostgreSQL and PGlite alike. A key is a text array, so a prefix is
 * a slice of it; a value past its `expires_at` is treated as absent and removed when met.
 */
export class KyselyKvStore implements KvStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = await this.#db
      .selectFrom('fediverse_kv')
      .select(['value', 'expires_at'])
      .where('key', '=', keyParam(key))
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
      await this.#db
        .deleteFrom('fediverse_kv')
        .where('key', '=', keyParam(key))
        .where('expires_at', '<=', new Date())
        .execute();
      return undefined;
    }
    return decode(row.value) as T;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const expiresAt = options?.ttl ? new Date(Date.now() + durationMs(options.ttl)) : null;
    await this.#db
      .insertInto('fediverse_kv')
      .values({ key: [...key], organisation_id: null, value: encode(value), expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: encode(value), expires_at: expiresAt }))
      .execute();
  }

  async delete(key: KvKey): Promise<void> {
    await this.#db.deleteFrom('fediverse_kv').where('key', '=', keyParam(key)).execute();
  }

  /**
   * Compare-and-swap: the new value is stored only when the current one equals `expectedValue` (absent or
   * expired counts as `undefined`). One statement each way, so two servers racing cannot both win.
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const expiresAt = options?.ttl ? new Date(Date.now() + durationMs(options.ttl)) : null;
    const now = new Date();
    if (expectedValue === undefined) {
      await this.#db
        .deleteFrom('fediverse_kv')
        .where('key', '=', keyParam(key))
        .where('expires_at', '<=', now)
        .execute();
      const inserted = await this.#db
        .insertInto('fediverse_kv')
        .values({ key: [...key], organisation_id: null, value: encode(newValue), expires_at: expiresAt })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      return inserted !== undefined;
    }
    const updated = await this.#db
      .updateTable('fediverse_kv')
      .set({ value: encode(newValue), expires_at: expiresAt })
      .where('key', '=', keyParam(key))
      .where(sql<boolean>`value = ${encode(expectedValue)}::jsonb`)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .returning('key')
      .executeTakeFirst();
    return updated !== undefined;
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const parts = prefix ? [...prefix] : [];
    let query = this.#db
      .selectFrom('fediverse_kv')
      .select(['key', 'value'])
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
      .orderBy('key');
    if (parts.length > 0) query = query.where(sql<boolean>`key[1:${sql.lit(parts.length)}] = ${parts}::text[]`);
    for (const row of await query.execute()) yield { key: row.key as unknown as KvKey, value: decode(row.value) };
  }

  /** Removes expired values (called by the module's clean-up job). */
  async sweep(): Promise<number> {
    const result = await this.#db.deleteFrom('fediverse_kv').where('expires_at', '<=', new Date()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
