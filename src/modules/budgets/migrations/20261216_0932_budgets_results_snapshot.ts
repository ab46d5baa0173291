import { sql, type Kysely } from 'kysely';

/**
 * Published results are a snapshot. Each result row keeps the project's title and cost as they were
 * when the results were published, and each heading's row its amount, so that a later correction of a
 * project (its cost, its title, even its removal) does not change what the public was shown; only
 * publishing again does. Rows published before this migration take today's values.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table budgets_result add column cost bigint, add column title jsonb`.execute(db);
  await sql`update budgets_result r set cost = p.cost, title = p.title from budgets_project p where p.id = r.project_id`.execute(
    db,
  );
  await sql`alter table budgets_result alter column cost set not null, alter column title set not null`.execute(db);
  await sql`alter table budgets_result drop constraint budgets_result_project_id_fkey`.execute(db);

  await sql`alter table budgets_heading_result add column amount bigint`.execute(db);
  await sql`update budgets_heading_result r set amount = h.amount from budgets_heading h where h.id = r.heading_id`.execute(
    db,
  );
  await sql`alter table budgets_heading_result alter column amount set not null`.execute(db);
}
