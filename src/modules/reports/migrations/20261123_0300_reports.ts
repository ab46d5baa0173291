import { sql, type Kysely } from 'kysely';

/**
 * Reports of problems in public space: categories (Open311 services) with their questions, routing
 * rules category × district → department, the reports themselves and their public history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reports_category (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      code text not null,
      group_name jsonb not null,
      name jsonb not null,
      description jsonb not null default '{}',
      keywords text not null default '',
      expected_hours integer not null default 120,
      default_department_id integer references core_department(id),
      active boolean not null default true,
      sort integer not null default 0,
      created_at timestamptz not null default now(),
      unique (organisation_id, code)
    )`.execute(db);

  await sql`
    create table reports_question (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      category_id integer not null references reports_category(id) on delete cascade,
      code text not null,
      datatype text not null check (datatype in ('string', 'text', 'number', 'datetime', 'singlevaluelist', 'multivaluelist')),
      required boolean not null default false,
      label jsonb not null,
      help jsonb not null default '{}',
      options jsonb not null default '[]',
      sort integer not null default 0,
      unique (category_id, code)
    )`.execute(db);

  await sql`
    create table reports_routing_rule (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      category_id integer not null references reports_category(id) on delete cascade,
      district_id integer references places_district(id) on delete cascade,
      department_id integer not null references core_department(id),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index reports_routing_rule_one on reports_routing_rule (category_id, coalesce(district_id, 0))`.execute(
    db,
  );

  await sql`
    create table reports_report (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      category_id integer not null references reports_category(id),
      department_id integer references core_department(id),
      district_id integer references places_district(id) on delete set null,
      status text not null default 'new' check (status in ('new', 'confirmed', 'in_progress', 'planned', 'fixed', 'not_responsible', 'duplicate', 'cannot_fix')),
      is_open boolean generated always as (status in ('new', 'confirmed', 'in_progress', 'planned')) stored,
      description text not null,
      lat double precision not null,
      lng double precision not null,
      tile_x integer not null,
      tile_y integer not null,
      address text,
      answers jsonb not null default '{}',
      author_id integer references core_user(id) on delete set null,
      author_name text,
      author_email text,
      show_name boolean not null default false,
      source text not null default 'web',
      api_key_id integer references core_api_key(id) on delete set null,
      token text unique,
      duplicate_of_id bigint references reports_report(id),
      deadline_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      hidden_at timestamptz,
      hidden_reason text
    )`.execute(db);
  await sql`create index reports_report_tile on reports_report (organisation_id, tile_y, tile_x) where hidden_at is null`.execute(
    db,
  );
  await sql`create index reports_report_recent on reports_report (organisation_id, created_at desc)`.execute(db);
  await sql`create index reports_report_queue on reports_report (department_id, deadline_at) where is_open`.execute(db);
  await sql`create index reports_report_updated on reports_report (organisation_id, updated_at desc)`.execute(db);

  await sql`
    create table reports_update (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      report_id bigint not null references reports_report(id) on delete cascade,
      kind text not null check (kind in ('created', 'status', 'answer', 'comment', 'reroute', 'merge', 'reopen', 'hide')),
      author_id integer references core_user(id) on delete set null,
      author_label text,
      status_from text,
      status_to text,
      public_text text,
      internal_note text,
      details jsonb not null default '{}',
      created_at timestamptz not null default now(),
      hidden_at timestamptz
    )`.execute(db);
  await sql`create index reports_update_report on reports_update (report_id, created_at)`.execute(db);
  await sql`create index reports_update_recent on reports_update (organisation_id, created_at desc)`.execute(db);
}
