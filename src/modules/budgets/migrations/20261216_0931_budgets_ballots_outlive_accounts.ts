import { sql, type Kysely } from 'kysely';

/**
 * Ballots and supports outlive the account that cast them. When a resident erases their account after
 * the phase that counted them, their ballots and supports stay, with `user_id` set to null: a paper
 * ballot stays in the box, and a count once made does not change because someone left. (While the
 * phase is still open they are withdrawn instead; see `budgetsPersonalData`.)
 *
 * One ballot per person and heading, one district heading per person and one support per person and
 * project stay guaranteed for every living account: the UNIQUE constraints compare user ids, and an
 * anonymous row (null) never equals another. A support's primary key becomes such a UNIQUE constraint
 * under the same name, since a primary key may not hold a null.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table budgets_ballot alter column user_id drop not null`.execute(db);
  await sql`alter table budgets_ballot drop constraint budgets_ballot_user_id_fkey`.execute(db);
  await sql`alter table budgets_ballot add constraint budgets_ballot_user_id_fkey foreign key (user_id) references core_user(id) on delete set null`.execute(
    db,
  );

  await sql`alter table budgets_support drop constraint budgets_support_once`.execute(db);
  await sql`alter table budgets_support alter column user_id drop not null`.execute(db);
  await sql`alter table budgets_support add constraint budgets_support_once unique (project_id, user_id)`.execute(db);
  await sql`alter table budgets_support drop constraint budgets_support_user_id_fkey`.execute(db);
  await sql`alter table budgets_support add constraint budgets_support_user_id_fkey foreign key (user_id) references core_user(id) on delete set null`.execute(
    db,
  );
}
