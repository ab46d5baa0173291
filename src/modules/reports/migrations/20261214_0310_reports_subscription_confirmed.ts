import { sql, type Kysely } from 'kysely';

/**
 * Double opt-in for subscriptions by e-mail address: `confirmed_at` is set when the address confirmed
 * (a link mailed to it) or at once for a signed-in resident; only confirmed subscriptions are mailed.
 * `confirm_token_hash` holds the hash of the mailed link's token while it is unconfirmed. Every existing
 * subscription counts as confirmed (they were made before the rule).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reports_subscription add column confirmed_at timestamptz`.execute(db);
  await sql`alter table reports_subscription add column confirm_token_hash text`.execute(db);
  await sql`update reports_subscription set confirmed_at = created_at`.execute(db);
  await sql`create unique index reports_subscription_confirm on reports_subscription (confirm_token_hash) where confirm_token_hash is not null`.execute(
    db,
  );
  await sql`create index reports_subscription_unconfirmed on reports_subscription (created_at) where confirmed_at is null`.execute(
    db,
  );
}
