import { sql, type Kysely } from 'kysely';

/**
 * The communication index as data: each city's criteria (labels in its languages, weight, source, floor
 * and target), the values staff enter for a period (rubric levels, survey results), the snapshots taken
 * per month or quarter with each criterion's part, and the city's insight settings (targets of the
 * dashboard's indicators, what the transparency page publishes).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table insights_criterion (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      key text not null check (key ~ '^[a-z][a-z0-9-]{0,39}$'),
      labels jsonb not null default '{}',
      weight double precision not null check (weight >= 0),
      source text not null check (source in ('kpi', 'rubric', 'survey')),
      kpi text,
      levels jsonb not null default '[]',
      floor double precision not null,
      target double precision not null check (target <> floor),
      position integer not null default 0,
      unique (organisation_id, key)
    )`.execute(db);
  await sql`
    create table insights_criterion_input (
      organisation_id integer not null references core_organisation(id),
      criterion_id integer not null references insights_criterion(id) on delete cascade,
      period text not null,
      value double precision not null,
      entered_by integer references core_user(id) on delete set null,
      entered_at timestamptz not null default now(),
      primary key (criterion_id, period)
    )`.execute(db);
  await sql`
    create table insights_snapshot (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      template text not null,
      period text not null,
      period_start date not null,
      period_end date not null,
      score double precision not null,
      taken_at timestamptz not null default now(),
      taken_by integer references core_user(id) on delete set null,
      unique (organisation_id, period)
    )`.execute(db);
  await sql`
    create table insights_snapshot_criterion (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      snapshot_id integer not null references insights_snapshot(id) on delete cascade,
      key text not null,
      labels jsonb not null,
      source text not null,
      kpi text,
      weight double precision not null,
      share double precision not null,
      value double precision,
      floor double precision not null,
      target double precision not null,
      progress double precision not null,
      points double precision not null
    )`.execute(db);
  await sql`create index insights_snapshot_criterion_snapshot on insights_snapshot_criterion (snapshot_id)`.execute(db);
  await sql`create index insights_snapshot_criterion_city on insights_snapshot_criterion (organisation_id, id)`.execute(
    db,
  );
  await sql`
    create table insights_setting (
      organisation_id integer primary key references core_organisation(id),
      template text not null default 'default' check (template ~ '^[a-z][a-z0-9-]{0,39}$'),
      period_kind text not null default 'month' check (period_kind in ('month', 'quarter')),
      targets jsonb not null default '{}',
      published text[] not null default '{}',
      publish_index boolean not null default false,
      updated_at timestamptz not null default now()
    )`.execute(db);
}
