import { hashPassword } from '../../src/platform/auth/passwords.ts';
import type { Role } from '../../src/platform/db/schema.ts';
import type { TestServer } from './server.ts';
import { TestClient } from './client.ts';

let counter = 0;

/** A user in the default city, confirmed unless told otherwise. */
export async function buildUser(
  server: TestServer,
  overrides: {
    email?: string;
    password?: string;
    role?: Role;
    confirmed?: boolean;
    name?: string;
    language?: string;
  } = {},
) {
  const n = ++counter; // taken before any await, so users built at the same time differ
  const organisation = (await server.organisations.findAll())[0];
  if (!organisation) throw new Error('no organisation');
  const email = overrides.email ?? `person${n}-${Date.now()}@example.org`;
  const password = overrides.password ?? 'correct horse battery';
  const row = await server.ctx.db
    .insertInto('core_user')
    .values({
      organisation_id: organisation.id,
      email,
      display_name: overrides.name ?? `Person ${n}`,
      password_hash: await hashPassword(password),
      role: overrides.role ?? 'resident',
      language: overrides.language ?? null,
      email_confirmed_at: overrides.confirmed === false ? null : new Date(),
      birth_year: null,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email, password, organisationId: organisation.id };
}

/** A client already signed in as a new user with the given role. */
export async function signedInClient(server: TestServer, overrides: Parameters<typeof buildUser>[1] = {}) {
  const user = await buildUser(server, overrides);
  const client = new TestClient(server.url);
  const response = await client.submit('/sign-in', '/sign-in', { email: user.email, password: user.password });
  if (response.status !== 303) throw new Error(`sign-in failed with ${response.status}`);
  return { client, user };
}

/** The last mail sent to an address (from the outbox table). */
export async function lastMailTo(server: TestServer, address: string) {
  return server.ctx.db
    .selectFrom('core_mail')
    .selectAll()
    .where('to_address', '=', address)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** The id of the installation's first city (the only one in most tests). */
export async function firstOrganisationId(server: TestServer): Promise<number> {
  const [organisation] = await server.organisations.findAll();
  if (!organisation) throw new Error('the test server has no city');
  return organisation.id;
}
