import { sql, type Kysely } from 'kysely';

/**
 * What each API key may do. Keys issued before scopes existed keep every right they had (Open311 intake
 * and the staff reports API); new keys have only what the administrator ticks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_api_key add column scopes text[] not null default '{}'`.execute(db);
  await sql`update core_api_key set scopes = '{open311,reports.read,reports.write}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_api_key drop column scopes`.execute(db);
}
