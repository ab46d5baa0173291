import { sql, type Kysely } from 'kysely';

/**
 * Header fields a mail carries besides the usual ones: `Auto-Submitted` (RFC 3834) on what the platform
 * writes by itself, `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 2369, RFC 8058) on notifications
 * one can stop. Kept with the mail so that a retried delivery sends the same.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_mail add column headers jsonb not null default '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_mail drop column headers`.execute(db);
}
