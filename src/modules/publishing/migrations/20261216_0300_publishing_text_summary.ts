import { sql, type Kysely } from 'kysely';

/** A post's short summary per language: what the news list, the home page and the feeds show under the title. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table publishing_post_text add column summary text`.execute(db);
}
