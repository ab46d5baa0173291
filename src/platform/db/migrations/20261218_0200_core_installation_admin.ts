import { sql, type Kysely } from 'kysely';

/**
 * Installation administrators: the people who run the installation as a whole (its cities, their host names,
 * addresses and map tiles), as opposed to a city's own administrators. Such a person is a user of one city,
 * signs in on that city's host and reaches /installation from there (`npm run admin -- create --installation`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_user add column installation_admin boolean not null default false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_user drop column installation_admin`.execute(db);
}
