import { sql, type Kysely } from 'kysely';

/**
 * A quota of requests per API key, per hour and per day (null: no limit in that window), which
 * administrators change per key. Keys that exist get the same defaults as new ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_api_key add column quota_per_hour integer default 1000`.execute(db);
  await sql`alter table core_api_key add column quota_per_day integer default 20000`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_api_key drop column quota_per_day`.execute(db);
  await sql`alter table core_api_key drop column quota_per_hour`.execute(db);
}
