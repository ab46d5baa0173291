import { sql, type Kysely } from 'kysely';

/**
 * The address residents use for each city (`https://brugmont.example`): links in mails, feeds, Open311
 * discovery and share cards point there. Empty: the default city uses PUBLIC_URL, another city its first
 * host name with PUBLIC_URL's scheme and port.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_organisation add column public_url text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_organisation drop column public_url`.execute(db);
}
