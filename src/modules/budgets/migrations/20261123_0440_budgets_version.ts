import { sql, type Kysely } from 'kysely';

/**
 * A version number per budget that changes whenever anything a ballot is checked against changes: the
 * budget's own settings, its phases, its headings or its projects. Triggers keep it, so every write
 * path (staff pages, the API, results, the demo, a hand-made UPDATE) is covered without code.
 *
 * The ballot's hot path remembers a budget as it read it and checks a ballot against that; the
 * statement that stores the ballot then requires the version it read, so a ballot checked against a
 * budget that has changed since is never stored — it is checked again on fresh data instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table budgets_budget add column version integer not null default 0`.execute(db);
  await sql`
    create function budgets_budget_changed() returns trigger language plpgsql as $$
    begin
      new.version := old.version + 1;
      return new;
    end
    $$`.execute(db);
  await sql`create trigger budgets_budget_version before update on budgets_budget for each row execute function budgets_budget_changed()`.execute(
    db,
  );
  await sql`
    create function budgets_part_changed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        update budgets_budget set version = version + 1 where id = old.budget_id;
      else
        update budgets_budget set version = version + 1 where id = new.budget_id;
        if tg_op = 'UPDATE' and new.budget_id <> old.budget_id then
          update budgets_budget set version = version + 1 where id = old.budget_id;
        end if;
      end if;
      return null;
    end
    $$`.execute(db);
  for (const table of ['budgets_phase', 'budgets_heading', 'budgets_project']) {
    await sql`create trigger ${sql.raw(`${table}_version`)} after insert or update or delete on ${sql.table(table)} for each row execute function budgets_part_changed()`.execute(
      db,
    );
  }
}
