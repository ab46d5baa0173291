import { sql, type Kysely } from 'kysely';

/** Like every table, the markers of mailed history lines carry their city. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reports_notified add column organisation_id integer references core_organisation(id)`.execute(
    db,
  );
  await sql`update reports_notified n set organisation_id = u.organisation_id from reports_update u where u.id = n.update_id`.execute(
    db,
  );
  await sql`alter table reports_notified alter column organisation_id set not null`.execute(db);
}
