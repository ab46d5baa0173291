import { sql, type Kysely } from 'kysely';

/**
 * The residents' side of reports: photos (stored in the database, location metadata already stripped),
 * subscriptions (follow one report, or new reports in the city, a district, a category or an area),
 * and the markers of history lines whose e-mails to followers have been sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reports_photo (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      report_id bigint references reports_report(id) on delete cascade,
      update_id bigint references reports_update(id) on delete set null,
      author_id integer references core_user(id) on delete set null,
      pending_token text,
      content_type text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
      byte_size integer not null,
      sha256 text not null,
      data bytea not null,
      created_at timestamptz not null default now(),
      hidden_at timestamptz,
      hidden_reason text,
      check (report_id is not null or pending_token is not null)
    )`.execute(db);
  await sql`create index reports_photo_report on reports_photo (report_id, id)`.execute(db);
  await sql`create index reports_photo_pending on reports_photo (pending_token) where report_id is null`.execute(db);
  await sql`create index reports_photo_author on reports_photo (author_id) where author_id is not null`.execute(db);

  await sql`
    create table reports_subscription (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      kind text not null check (kind in ('report', 'new_reports')),
      user_id integer references core_user(id) on delete cascade,
      email text,
      report_id bigint references reports_report(id) on delete cascade,
      district_id integer references places_district(id) on delete cascade,
      category_id integer references reports_category(id) on delete cascade,
      min_lat double precision,
      min_lng double precision,
      max_lat double precision,
      max_lng double precision,
      unsubscribe_token text not null unique,
      created_at timestamptz not null default now(),
      check (user_id is not null or email is not null),
      check ((kind = 'report') = (report_id is not null))
    )`.execute(db);
  await sql`create unique index reports_subscription_follow on reports_subscription (report_id, coalesce(user_id, 0), coalesce(email, '')) where kind = 'report'`.execute(
    db,
  );
  await sql`create index reports_subscription_new on reports_subscription (organisation_id, district_id) where kind = 'new_reports'`.execute(
    db,
  );
  await sql`create index reports_subscription_user on reports_subscription (user_id) where user_id is not null`.execute(
    db,
  );

  await sql`
    create table reports_notified (
      update_id bigint primary key references reports_update(id) on delete cascade,
      created_at timestamptz not null default now()
    )`.execute(db);
}
