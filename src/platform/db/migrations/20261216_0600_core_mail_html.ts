import { sql, type Kysely } from 'kysely';

/**
 * An HTML part beside the text (the newsletter): a mail with `html_body` goes out as
 * multipart/alternative, text first. Kept with the mail so that a retried delivery sends the same.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_mail add column html_body text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_mail drop column html_body`.execute(db);
}
