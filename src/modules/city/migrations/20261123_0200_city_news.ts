import { sql, type Kysely } from 'kysely';

/** News the city publishes on its home page, written in several languages. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table city_news (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      slug text not null,
      title jsonb not null,
      summary jsonb not null,
      body jsonb not null,
      district_id integer references places_district(id) on delete set null,
      author_id integer references core_user(id) on delete set null,
      published_at timestamptz,
      created_at timestamptz not null default now(),
      unique (organisation_id, slug)
    )`.execute(db);
  await sql`create index city_news_published on city_news (organisation_id, published_at desc) where published_at is not null`.execute(
    db,
  );
}
