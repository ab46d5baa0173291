import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createProcess } from '../../src/modules/participation/use-cases/manage-processes.ts';
import { recomputeChangedMaps, RECOMPUTE_JOB } from '../../src/modules/opinion-maps/opinion-maps.use-cases.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import type { TestClient } from '../support/client.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let organisation: Organisation;
let staff: { client: TestClient; viewer: Viewer };
let counter = 0;

before(async () => {
  server = await startTestServer();
  const found = await server.organisations.findById(await firstOrganisationId(server));
  assert.ok(found);
  organisation = found;
  const signed = await signedInClient(server, { role: 'staff' });
  const viewer = await findViewer(server.ctx.db, organisation.id, signed.user.id);
  assert.ok(viewer);
  staff = { client: signed.client, viewer };
});

after(async () => {
  await server.close();
});

async function buildProcess(level: 'email' | 'verified'): Promise<number> {
  counter++;
  const created = await createProcess(server.ctx, staff.viewer, organisation, {
    slug: `opinion-process-${counter}-${Date.now()}`,
    title: { en: `Process ${counter}` },
    description: { en: 'A test process.' },
    districtIds: [],
    eligibilityLevel: level,
    minAge: null,
    maxAge: null,
    residentsOnly: false,
    supportThreshold: 100,
    supportDays: 30,
    answerDays: 14,
  });
  assert.ok(created.ok, JSON.stringify(created));
  return created.id;
}

/** A map made and opened through the staff pages, with these statements added by staff. */
async function buildMap(level: 'email' | 'verified', moderation: 'before' | 'after', statements: string[]) {
  const processId = await buildProcess(level);
  const created = await staff.client.submit('/admin/opinion-maps', '/admin/opinion-maps', {
    processId: String(processId),
    question: 'What should the harbour become?',
    moderation,
  });
  assert.equal(created.status, 303);
  const id = Number(/\/admin\/opinion-maps\/(\d+)/.exec(created.headers.get('location') ?? '')?.[1]);
  assert.ok(id > 0);
  // a draft is not public
  assert.equal((await fetch(`${server.url}/opinion-maps/${id}`)).status, 404);
  const opened = await staff.client.submit('/admin/opinion-maps', `/admin/opinion-maps/${id}/status`, {
    status: 'open',
  });
  assert.equal(opened.status, 303);
  for (const text of statements) {
    const added = await staff.client.submit(`/admin/opinion-maps/${id}`, `/opinion-maps/${id}/statements`, { text });
    assert.equal(added.status, 303);
  }
  return id;
}

function shownStatement(html: string): { id: string; text: string } | undefined {
  const id = /name="statementId" value="(\d+)"/.exec(html)?.[1];
  const text = /<p id="statement-text">([^<]*)<\/p>/.exec(html)?.[1];
  return id && text ? { id, text } : undefined;
}

test('residents vote one statement at a time, change a vote, and the results are recomputed by the job', async () => {
  const mapId = await buildMap('email', 'after', [
    'Close the harbour front to cars.',
    'More parking near the harbour.',
    'Pavements must be safe for children.',
  ]);
  const { client, user: voter } = await signedInClient(server);
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await client.page(`/opinion-maps/${mapId}`);
    const statement = shownStatement(page.html);
    assert.ok(statement, page.html);
    assert.ok(!seen.includes(statement.id), 'each statement is shown once');
    seen.push(statement.id);
    const voted = await client.postForm(`/opinion-maps/${mapId}/votes`, {
      _csrf: page.csrf,
      statementId: statement.id,
      vote: i === 0 ? 'agree' : 'disagree',
    });
    assert.equal(voted.status, 303);
  }
  const done = await client.page(`/opinion-maps/${mapId}`);
  assert.equal(shownStatement(done.html), undefined);
  assert.match(done.html, /You voted on every statement/);
  // a vote is changeable: still one vote per participant and statement
  const changed = await client.postForm(`/opinion-maps/${mapId}/votes`, {
    _csrf: done.csrf,
    statementId: seen[0] ?? '',
    vote: 'pass',
  });
  assert.equal(changed.status, 303);
  const votes = await server.ctx.db
    .selectFrom('opinion_maps_vote')
    .select(['statement_id', 'value'])
    .where('map_id', '=', mapId)
    .execute();
  assert.equal(votes.length, 3);
  assert.equal(votes.find((v) => String(v.statement_id) === seen[0])?.value, 0);

  // the votes queued one (debounced) recomputation
  const jobs = await server.ctx.db.selectFrom('core_job').select('id').where('kind', '=', RECOMPUTE_JOB).execute();
  assert.ok(jobs.length >= 1);
  assert.ok((await recomputeChangedMaps(server.ctx, organisation.id)) >= 1);
  assert.equal(await recomputeChangedMaps(server.ctx, organisation.id), 0, 'nothing changed since');
  const results = (await (await fetch(`${server.url}/api/v1/opinion-maps/${mapId}/results`)).json()) as {
    votes: number;
    participants: number;
    statements: unknown[];
  };
  assert.equal(results.votes, 3);
  assert.equal(results.participants, 1);
  assert.equal(results.statements.length, 3);
  const list = (await (await fetch(`${server.url}/api/v1/opinion-maps`)).json()) as Array<{
    id: number;
    participants: number;
  }>;
  assert.equal(list.find((m) => m.id === mapId)?.participants, 1);
  const csv = await (await fetch(`${server.url}/opinion-maps/${mapId}/votes.csv`)).text();
  assert.match(csv, /participant,statement,vote/);
  assert.match(csv, /\n1,\d+,pass/);
  assert.notEqual(voter.id, 1);
  assert.ok(!csv.includes(`\n${voter.id},`), 'participants are numbered per map, not by account');
});

test('eligibility follows the process: unconfirmed and unverified people cannot vote', async () => {
  const emailMap = await buildMap('email', 'after', ['A statement to vote on.']);
  const verifiedMap = await buildMap('verified', 'after', ['Another statement to vote on.']);
  const unconfirmed = await signedInClient(server);
  await server.ctx.db
    .updateTable('core_user')
    .set({ email_confirmed_at: null })
    .where('id', '=', unconfirmed.user.id)
    .execute();
  const page = await unconfirmed.client.page(`/opinion-maps/${emailMap}`);
  assert.match(page.html, /Confirm your e-mail address/);
  const statement = await server.ctx.db
    .selectFrom('opinion_maps_statement')
    .select('id')
    .where('map_id', '=', emailMap)
    .executeTakeFirstOrThrow();
  const refused = await unconfirmed.client.postForm(`/opinion-maps/${emailMap}/votes`, {
    _csrf: page.csrf,
    statementId: String(statement.id),
    vote: 'agree',
  });
  assert.equal(refused.status, 403);
  const resident = await signedInClient(server);
  const verifiedPage = await resident.client.page(`/opinion-maps/${verifiedMap}`);
  assert.match(verifiedPage.html, /verify your residence/);
  const anonymous = await fetch(`${server.url}/opinion-maps/${emailMap}`);
  assert.match(await anonymous.text(), /Sign in to vote/);
});

test('statements: length limit, moderation before showing, staff accept', async () => {
  const mapId = await buildMap('email', 'before', []);
  const { client } = await signedInClient(server);
  const tooLong = await client.submit(`/opinion-maps/${mapId}`, `/opinion-maps/${mapId}/statements`, {
    text: 'x'.repeat(281),
  });
  assert.equal(tooLong.status, 422);
  const added = await client.submit(`/opinion-maps/${mapId}`, `/opinion-maps/${mapId}/statements`, {
    text: 'Benches along the water, please.',
  });
  assert.equal(added.status, 303);
  assert.equal(shownStatement((await client.page(`/opinion-maps/${mapId}`)).html), undefined, 'pending is not shown');
  const moderation = await staff.client.page(`/admin/opinion-maps/${mapId}`);
  assert.match(moderation.html, /Benches along the water/);
  const statement = await server.ctx.db
    .selectFrom('opinion_maps_statement')
    .select('id')
    .where('map_id', '=', mapId)
    .executeTakeFirstOrThrow();
  const forbidden = await client.submit(
    `/opinion-maps/${mapId}`,
    `/admin/opinion-maps/${mapId}/statements/${statement.id}`,
    {
      status: 'accepted',
    },
  );
  assert.equal(forbidden.status, 403);
  const accepted = await staff.client.postForm(`/admin/opinion-maps/${mapId}/statements/${statement.id}`, {
    _csrf: moderation.csrf,
    status: 'accepted',
  });
  assert.equal(accepted.status, 303);
  assert.equal(
    shownStatement((await client.page(`/opinion-maps/${mapId}`)).html)?.text,
    'Benches along the water, please.',
  );
});

test('the results page says in words what each group thinks and where the signed-in participant stands', async () => {
  const statements = [
    'Cars out of the centre.',
    'More parking.',
    'Trams to the harbour.',
    'Lorries at night.',
    'Safe pavements.',
  ];
  const mapId = await buildMap('email', 'after', statements);
  const ids = (
    await server.ctx.db
      .selectFrom('opinion_maps_statement')
      .select('id')
      .where('map_id', '=', mapId)
      .orderBy('id')
      .execute()
  ).map((s) => s.id);
  const me = await signedInClient(server);
  // two camps of 6 people (me among the first), everybody agrees with the last statement
  for (let person = 0; person < 12; person++) {
    const client = person === 0 ? me.client : (await signedInClient(server)).client;
    const camp = person < 6 ? 1 : -1;
    for (const [index, id] of ids.entries()) {
      const value = index === 4 ? 'agree' : (index % 2 === 0 ? camp : -camp) > 0 ? 'agree' : 'disagree';
      const page = await client.page(`/opinion-maps/${mapId}`);
      const response = await client.postForm(`/opinion-maps/${mapId}/votes`, {
        _csrf: page.csrf,
        statementId: String(id),
        vote: value,
      });
      assert.equal(response.status, 303);
    }
  }
  await recomputeChangedMaps(server.ctx, organisation.id);
  const page = await me.client.page(`/opinion-maps/${mapId}/results`);
  assert.match(page.html, /Group A — 6 people/);
  assert.match(page.html, /Group B — 6 people/);
  assert.match(page.html, /Most people in every group agree that <q>Safe pavements.<\/q>/);
  assert.match(page.html, /You are in group [AB]\./);
  assert.match(page.html, /On 5 statements you voted as most of your group did\./);
  assert.match(page.html, /<svg[^>]+role="img"/);
  const api = (await (await fetch(`${server.url}/api/v1/opinion-maps/${mapId}/results`)).json()) as {
    groups: Array<{ members: number; representative: unknown[] }>;
    consensus: { agree: Array<{ statement: { text: string } }> };
  };
  assert.deepEqual(
    api.groups.map((g) => g.members),
    [6, 6],
  );
  assert.equal(api.consensus.agree[0]?.statement.text, 'Safe pavements.');
});
