import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createProcess, savePhase } from '../../src/modules/participation/use-cases/manage-processes.ts';
import { findViewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * Erasing an account (issue 14): a support counted once its proposal stopped collecting supports stays
 * counted, without the person; a support of a proposal still collecting goes with the account, as its
 * supporter could withdraw it that day (and could support again with a new account: counted once).
 */

let server: TestServer;
let organisation: Organisation;

interface Resident {
  client: TestClient;
  csrf: string;
  id: number;
  password: string;
}

async function resident(): Promise<Resident> {
  const { client, user } = await signedInClient(server);
  const me = (await (await client.get('/api/v1/me')).json()) as { csrfToken: string };
  return { client, csrf: me.csrfToken, id: user.id, password: user.password };
}

before(async () => {
  server = await startTestServer({ adjust: (config) => (config.rateLimits.signIn.limit = 10_000) });
  const first = (await server.organisations.findAll())[0];
  if (!first) throw new Error('no city');
  organisation = first;
});
after(() => server.close());

function support(r: Resident, proposalId: number) {
  return r.client.request('PUT', `/api/v1/proposals/${proposalId}/support`, { headers: { 'x-csrf-token': r.csrf } });
}

async function proposal(id: number) {
  const row = await server.ctx.db
    .selectFrom('participation_proposal')
    .select(['supports_count', 'status'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const supporters = await server.ctx.db
    .selectFrom('participation_support')
    .select('user_id')
    .where('proposal_id', '=', id)
    .execute();
  return { count: row.supports_count, status: row.status, supporters: supporters.map((s) => s.user_id) };
}

test('erasing an account keeps supports counted once collection ended, and withdraws those still open', async () => {
  const { user } = await signedInClient(server, { role: 'staff' });
  const staff = await findViewer(server.ctx.db, organisation.id, user.id);
  assert.ok(staff);
  const slug = `supports-${Date.now()}`;
  const created = await createProcess(server.ctx, staff, organisation, {
    slug,
    title: { en: 'Ideas for the park' },
    description: { en: 'Propose and support.' },
    districtIds: [],
    eligibilityLevel: 'email',
    minAge: null,
    maxAge: null,
    residentsOnly: false,
    supportThreshold: 2,
    supportDays: 30,
    answerDays: 14,
  });
  assert.ok(created.ok, JSON.stringify(created));
  const phase = await savePhase(server.ctx, staff, organisation, created.id, null, {
    title: { en: 'Proposals' },
    startsAt: new Date(Date.now() - 86_400_000),
    endsAt: new Date(Date.now() + 10 * 86_400_000),
    parts: { proposals: ['create', 'support'] },
  });
  assert.ok(phase.ok, JSON.stringify(phase));
  const author = await resident();
  const ids: number[] = [];
  for (const title of ['Open proposal', 'Closed proposal']) {
    const response = await author.client.postForm(`/processes/${slug}/proposals`, {
      _csrf: author.csrf,
      title,
      body: 'Benches every hundred metres along the main path.',
      category: 'urbanism',
    });
    assert.equal(response.status, 303);
    ids.push(Number(/\/proposals\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]));
  }
  const [open = 0, closed = 0] = ids;
  const leaving = await resident();
  const staying = await resident();
  for (const r of [leaving, staying]) {
    assert.equal((await support(r, open)).status, 200);
    assert.equal((await support(r, closed)).status, 200);
  }
  // The second proposal's collection ends (its deadline passes); it had reached its threshold.
  await server.ctx.db
    .updateTable('participation_proposal')
    .set({ support_deadline: new Date(Date.now() - 60_000) })
    .where('id', '=', closed)
    .execute();
  assert.deepEqual((await proposal(closed)).count, 2);

  const { csrf } = await leaving.client.page('/account');
  assert.equal(
    (await leaving.client.postForm('/account/delete', { _csrf: csrf, deletePassword: leaving.password })).status,
    303,
  );

  const kept = await proposal(closed);
  assert.equal(kept.count, 2, 'the count made stays');
  assert.equal(kept.status, 'threshold_reached');
  assert.deepEqual([...kept.supporters].sort(), [staying.id, null].sort());
  const withdrawn = await proposal(open);
  assert.equal(withdrawn.count, 1, 'the support still open to withdrawal goes with the account');
  assert.deepEqual(withdrawn.supporters, [staying.id]);
  assert.match(await (await new TestClient(server.url).get(`/proposals/${open}`)).text(), /<progress [^>]*value="1"/);
});
