import { sql, type Kysely } from 'kysely';

/**
 * Projects proposed by residents and their supports (the pre-selection).
 *
 * A project keeps the cost its author estimated beside the cost staff may correct, the author's choice
 * to show their name, and an optional place. A support is one row per resident and project — the
 * primary key (project_id, user_id) — so two racing requests can only ever leave one row. A budget may
 * limit how many projects one resident supports in each heading.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table budgets_budget add column max_supports_per_heading integer check (max_supports_per_heading between 1 and 1000)`.execute(
    db,
  );
  await sql`
    alter table budgets_project
      add column proposed_cost bigint check (proposed_cost > 0),
      add column show_author boolean not null default false,
      add column lat double precision check (lat between -85 and 85),
      add column lng double precision check (lng between -180 and 180),
      add constraint budgets_project_place check ((lat is null) = (lng is null))`.execute(db);
  await sql`create index budgets_project_author on budgets_project (author_id) where author_id is not null`.execute(db);

  await sql`
    create table budgets_support (
      organisation_id integer not null references core_organisation(id),
      budget_id integer not null references budgets_budget(id) on delete cascade,
      project_id integer not null references budgets_project(id) on delete cascade,
      user_id integer not null references core_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      constraint budgets_support_once primary key (project_id, user_id)
    )`.execute(db);
  await sql`create index budgets_support_user on budgets_support (user_id, budget_id)`.execute(db);
  await sql`create index budgets_support_budget on budgets_support (budget_id)`.execute(db);
}
