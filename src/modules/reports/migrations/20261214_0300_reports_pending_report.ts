import { sql, type Kysely } from 'kysely';

/**
 * Reports sent from the web form by residents who are not signed in wait here until the address they
 * gave confirms them (a link mailed to it): the checked submission as JSON, the token of the photos
 * staged for it (reports_photo.pending_token), the address, the hash of the confirmation token and
 * when the link expires. `report_id` is set when the report is created, so a second use of the link is
 * told apart from an unknown one. Expired rows are removed by the notify job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reports_pending_report (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      email text not null,
      token_hash text not null unique,
      submission jsonb not null,
      photo_token text,
      report_id bigint references reports_report(id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      confirmed_at timestamptz
    )`.execute(db);
  await sql`create index reports_pending_report_expires on reports_pending_report (expires_at)`.execute(db);
  await sql`create index reports_pending_report_photos on reports_pending_report (photo_token) where photo_token is not null`.execute(
    db,
  );
}
