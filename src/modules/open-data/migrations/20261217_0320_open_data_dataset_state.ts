import { sql, type Kysely } from 'kysely';

/**
 * The last change of each dataset the city has been told about: a dataset whose data changed since is
 * announced by a `dataset.changed` event (changes.ts) and its row moves on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table open_data_dataset_state (
      organisation_id integer not null references core_organisation(id),
      dataset text not null,
      modified timestamptz not null,
      primary key (organisation_id, dataset)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table open_data_dataset_state`.execute(db);
}
