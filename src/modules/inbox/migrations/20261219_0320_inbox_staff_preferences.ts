import { sql, type Kysely } from 'kysely';

/**
 * Each staff member's inbox preferences: which notifications also come by e-mail, whether new messages
 * for their departments are notified at all, and whether the keyboard shortcuts are on (screen-reader
 * users turn them off). A person without a row has the defaults.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inbox_staff_preference (
      user_id integer primary key references core_user(id) on delete cascade,
      organisation_id integer not null references core_organisation(id),
      notify_new_message boolean not null default false,
      email_new_message boolean not null default false,
      email_assignment boolean not null default true,
      email_mention boolean not null default true,
      shortcuts boolean not null default true
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists inbox_staff_preference`.execute(db);
}
