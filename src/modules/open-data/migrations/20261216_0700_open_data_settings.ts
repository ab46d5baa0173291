import { sql, type Kysely } from 'kysely';

/**
 * A city's open-data settings: the licence of its datasets (a code of the EU licences vocabulary,
 * http://publications.europa.eu/resource/authority/licence/) and the address the catalogue names as its
 * contact point. No row: CC BY 4.0 and no address (the catalogue then names the city's site).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table open_data_setting (
      organisation_id integer primary key references core_organisation(id),
      licence text not null default 'CC_BY_4_0' check (licence ~ '^[A-Z0-9_]{1,40}$'),
      contact_email text,
      updated_at timestamptz not null default now()
    )`.execute(db);
}
