import { sql, type Kysely } from 'kysely';

/** A verification can come from an identity provider the city trusts to vouch for residence. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table verification_identity drop constraint verification_identity_method_check`.execute(db);
  await sql`alter table verification_identity add constraint verification_identity_method_check
    check (method in ('census', 'in_person', 'identity_provider'))`.execute(db);
}
