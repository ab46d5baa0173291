import { sql, type Kysely } from 'kysely';

/**
 * Corrections and withdrawals of published posts: each delivery already out gets one change row per
 * correction or withdrawal, applied by the publishing job through the channel's `update` or `remove`
 * (both safe to repeat, unlike a publish), or marked `unsupported` where the channel cannot edit or
 * delete (a newsletter already sent). The post keeps when and why it was withdrawn.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table publishing_delivery_change (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      delivery_id integer not null references publishing_delivery(id) on delete cascade,
      post_version integer not null,
      kind text not null check (kind in ('update', 'remove')),
      state text not null default 'pending' check (state in ('pending', 'done', 'failed', 'unsupported', 'superseded')),
      attempts integer not null default 0,
      last_error text,
      next_attempt_at timestamptz,
      created_at timestamptz not null default now(),
      done_at timestamptz
    )`.execute(db);
  await sql`create index publishing_delivery_change_due on publishing_delivery_change (next_attempt_at) where state = 'pending'`.execute(
    db,
  );
  await sql`create index publishing_delivery_change_delivery on publishing_delivery_change (delivery_id)`.execute(db);
  await sql`alter table publishing_post add column corrected_at timestamptz`.execute(db);
  await sql`alter table publishing_post add column withdrawn_at timestamptz`.execute(db);
  await sql`alter table publishing_post add column withdrawn_reason text`.execute(db);
}
