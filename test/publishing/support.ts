import assert from 'node:assert/strict';
import type { TestClient } from '../support/client.ts';
import { buildUser, firstOrganisationId, signedInClient } from '../support/factories.ts';
import type { TestServer } from '../support/server.ts';

/** Two departments, their staff, an administrator and a resident, each with a signed-in client. */
export async function publishingPeople(server: TestServer) {
  const organisationId = await firstOrganisationId(server);
  const department = async (slug: string) =>
    (
      await server.ctx.db
        .insertInto('core_department')
        .values({ organisation_id: organisationId, slug, name: JSON.stringify({ en: slug }), email: null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const roads = await department(`roads-${Date.now()}`);
  const parks = await department(`parks-${Date.now()}`);
  const member = async (departmentId: number, name: string) => {
    const signed = await signedInClient(server, { role: 'staff', name });
    await server.ctx.db
      .insertInto('core_department_member')
      .values({ organisation_id: organisationId, department_id: departmentId, user_id: signed.user.id })
      .execute();
    return signed;
  };
  const author = await member(roads, 'Author');
  const approver = await member(roads, 'Approver');
  const otherDepartment = await member(parks, 'Parks staff');
  const admin = await signedInClient(server, { role: 'admin', name: 'Admin' });
  const resident = await signedInClient(server, { role: 'resident', name: 'Resident' });
  return { organisationId, roads, parks, author, approver, otherDepartment, admin, resident };
}

/** Adds a destination through the administrators' form and answers its id. */
export async function addDestination(server: TestServer, admin: TestClient, kind: string, name: string) {
  const response = await admin.submit(
    `/admin/publishing/destinations/new/${kind}`,
    `/admin/publishing/destinations/new/${kind}`,
    {
      kind,
      name,
      field_endpoint: 'https://service.example/api',
      field_token: 'secret-token-123',
      enabled: 'yes',
    },
  );
  assert.equal(response.status, 303, await response.text());
  const row = await server.ctx.db
    .selectFrom('publishing_destination')
    .select(['id', 'secrets'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row;
}

/** Writes a post through the editor and answers its id. */
export async function writePost(
  client: TestClient,
  fields: Record<string, string | string[]>,
): Promise<{ status: number; id: number | undefined; html: string }> {
  const { csrf } = await client.page('/staff/publishing/posts/new');
  const body = new URLSearchParams({ _csrf: csrf });
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  const response = await client.request('POST', '/staff/publishing/posts/new', {
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const location = response.headers.get('location') ?? '';
  const id = /\/staff\/publishing\/posts\/(\d+)$/.exec(location)?.[1];
  return { status: response.status, id: id ? Number(id) : undefined, html: await response.text() };
}

/** Posts an action form of the post page. */
export async function act(client: TestClient, postId: number, action: string, fields: Record<string, string> = {}) {
  return client.submit(`/staff/publishing/posts/${postId}`, `/staff/publishing/posts/${postId}/${action}`, fields);
}

export async function postState(server: TestServer, id: number): Promise<string> {
  const row = await server.ctx.db
    .selectFrom('publishing_post')
    .select('state')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.state;
}

export { buildUser };
