import { sql, type Kysely } from 'kysely';

/**
 * Participatory budgets: the budget with its voting rule, its phases, headings (city-wide or one
 * district) with their amounts, projects, ballots, published results and the follow-up of funded
 * projects.
 *
 * A ballot is one row per voter and heading — UNIQUE (heading_id, user_id) — holding the chosen projects
 * as sorted parallel arrays, so storing or changing it is one `insert … on conflict do update`: two
 * requests racing for the same voter can only ever leave one row. A partial unique index lets a voter
 * hold at most one district heading's ballot per budget.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table budgets_budget (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      process_id integer,
      title jsonb not null,
      description jsonb not null default '{}',
      voting_rule text not null check (voting_rule in ('approval', 'knapsack', 'distributed')),
      max_projects integer check (max_projects between 1 and 1000),
      max_votes integer check (max_votes between 1 and 10000),
      max_votes_per_project integer check (max_votes_per_project between 1 and 10000),
      min_share numeric(4, 3) check (min_share > 0 and min_share <= 1),
      results_method text not null default 'votes' check (results_method in ('votes', 'equal_shares')),
      eligibility_level text not null default 'verified' check (eligibility_level in ('email', 'verified')),
      min_age integer check (min_age between 0 and 150),
      max_age integer check (max_age between 0 and 150),
      district_residents_only boolean not null default false,
      phase_override text check (phase_override in ('submitting', 'supporting', 'review', 'balloting', 'results', 'follow_up', 'closed')),
      results_published_at timestamptz,
      created_at timestamptz not null default now(),
      check (voting_rule <> 'approval' or max_projects is not null),
      check (voting_rule <> 'distributed' or max_votes is not null),
      check (results_method = 'votes' or voting_rule <> 'distributed')
    )`.execute(db);
  await sql`create index budgets_budget_organisation on budgets_budget (organisation_id, created_at desc)`.execute(db);

  await sql`
    create table budgets_phase (
      organisation_id integer not null references core_organisation(id),
      budget_id integer not null references budgets_budget(id) on delete cascade,
      kind text not null check (kind in ('submitting', 'supporting', 'review', 'balloting', 'results', 'follow_up')),
      starts_at timestamptz not null,
      ends_at timestamptz,
      primary key (budget_id, kind),
      check (ends_at is null or ends_at > starts_at)
    )`.execute(db);

  await sql`
    create table budgets_heading (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      budget_id integer not null references budgets_budget(id) on delete cascade,
      name jsonb not null,
      district_id integer references places_district(id),
      amount bigint not null check (amount > 0),
      position integer not null default 0,
      unique (budget_id, id)
    )`.execute(db);
  await sql`create unique index budgets_heading_one_city_wide on budgets_heading (budget_id) where district_id is null`.execute(
    db,
  );
  await sql`create unique index budgets_heading_one_per_district on budgets_heading (budget_id, district_id) where district_id is not null`.execute(
    db,
  );

  await sql`
    create table budgets_project (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      budget_id integer not null,
      heading_id integer not null,
      title jsonb not null,
      description jsonb not null default '{}',
      cost bigint not null check (cost > 0),
      author_id integer references core_user(id) on delete set null,
      feasibility text not null default 'undecided' check (feasibility in ('undecided', 'feasible', 'unfeasible')),
      feasibility_explanation jsonb not null default '{}',
      status text not null default 'submitted' check (status in ('submitted', 'selected', 'rejected', 'withdrawn')),
      funded boolean not null default false,
      follow_up_status text check (follow_up_status in ('planned', 'in_progress', 'completed', 'cancelled')),
      progress integer not null default 0 check (progress between 0 and 100),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (budget_id, heading_id) references budgets_heading (budget_id, id)
    )`.execute(db);
  await sql`create index budgets_project_heading on budgets_project (heading_id)`.execute(db);

  await sql`
    create table budgets_ballot (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      budget_id integer not null,
      heading_id integer not null,
      user_id integer not null references core_user(id) on delete cascade,
      district_heading boolean not null,
      project_ids integer[] not null,
      votes integer[] not null,
      total_cost bigint not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (budget_id, heading_id) references budgets_heading (budget_id, id),
      constraint budgets_ballot_one_per_heading unique (heading_id, user_id),
      check (cardinality(project_ids) > 0 and cardinality(project_ids) = cardinality(votes))
    )`.execute(db);
  await sql`create unique index budgets_ballot_one_district_heading on budgets_ballot (budget_id, user_id) where district_heading`.execute(
    db,
  );
  await sql`create index budgets_ballot_user on budgets_ballot (user_id)`.execute(db);

  await sql`
    create table budgets_result (
      organisation_id integer not null references core_organisation(id),
      budget_id integer not null references budgets_budget(id) on delete cascade,
      heading_id integer not null references budgets_heading(id) on delete cascade,
      project_id integer not null references budgets_project(id) on delete cascade,
      method text not null check (method in ('votes', 'equal_shares')),
      ballots integer not null,
      votes integer not null,
      funded boolean not null,
      position integer not null,
      note text,
      primary key (heading_id, project_id)
    )`.execute(db);

  await sql`
    create table budgets_heading_result (
      heading_id integer primary key references budgets_heading(id) on delete cascade,
      organisation_id integer not null references core_organisation(id),
      budget_id integer not null references budgets_budget(id) on delete cascade,
      voters integer not null,
      spent bigint not null,
      computed_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table budgets_milestone (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      project_id integer not null references budgets_project(id) on delete cascade,
      title jsonb not null,
      description jsonb not null default '{}',
      happened_on date not null,
      progress integer check (progress between 0 and 100),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index budgets_milestone_project on budgets_milestone (project_id, happened_on)`.execute(db);
}
