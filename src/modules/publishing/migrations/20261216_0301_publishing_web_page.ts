import { sql, type Kysely } from 'kysely';

/**
 * The news pages of the city's site as a channel: a post is on the news pages (and in the feeds) while it
 * has a row here, written by the `web` adapter's publish and removed (`removed_at`) by its remove.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table publishing_web_page (
      organisation_id integer not null references core_organisation(id),
      post_id integer primary key references publishing_post(id) on delete cascade,
      destination_id integer not null references publishing_destination(id),
      published_at timestamptz not null,
      removed_at timestamptz
    )`.execute(db);
  await sql`create index publishing_web_page_latest on publishing_web_page (organisation_id, published_at desc) where removed_at is null`.execute(
    db,
  );
}
