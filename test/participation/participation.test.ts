import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { participationPersonalData } from '../../src/modules/participation/personal-data.repository.ts';
import {
  createProcess,
  savePhase,
  type ProcessInput,
} from '../../src/modules/participation/use-cases/manage-processes.ts';
import type { PhaseParts } from '../../src/modules/participation/participation.schema.ts';
import { createSession, SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import { csrfTokenFor } from '../../src/platform/http/app.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let organisation: Organisation;
let staff: Person;
let moderator: Person;
let north: number;
let south: number;
let counter = 0;

interface Person {
  client: TestClient;
  csrf: string;
  id: number;
  email: string;
  viewer: Viewer;
}

const OPEN: PhaseParts = { proposals: ['create', 'support', 'comment'], debates: ['create', 'comment'] };

/** A signed-in person (session made directly), verified in a district with a birth year unless told otherwise. */
async function person(
  options: {
    role?: 'resident' | 'staff' | 'moderator';
    confirmed?: boolean;
    verified?: boolean;
    birthYear?: number;
    districtId?: number;
  } = {},
): Promise<Person> {
  const user = await buildUser(server, { role: options.role ?? 'resident', confirmed: options.confirmed ?? true });
  if (options.verified !== false && (options.role ?? 'resident') === 'resident') {
    await server.ctx.db
      .insertInto('verification_identity')
      .values({
        user_id: user.id,
        organisation_id: organisation.id,
        method: 'in_person',
        identity_hash: `test-${user.id}`,
        census_id: null,
        birth_year: options.birthYear ?? 1990,
        district_id: options.districtId ?? north,
        verified_by: null,
      })
      .execute();
  }
  const token = await createSession(server.ctx.db, organisation.id, user.id, 30);
  const client = new TestClient(server.url);
  client.cookies.set(SESSION_COOKIE, token);
  const viewer = await findViewer(server.ctx.db, organisation.id, user.id);
  if (!viewer) throw new Error('no viewer');
  return { client, csrf: csrfTokenFor(server.config.secretKey, token), id: user.id, email: user.email, viewer };
}

/** A process with one phase running now (or ended, with `closed`) that opens `parts`. */
async function buildProcess(
  overrides: Partial<ProcessInput> = {},
  parts: PhaseParts = OPEN,
  closed = false,
): Promise<{ id: number; slug: string }> {
  counter++;
  const slug = `process-${counter}-${Date.now()}`;
  const created = await createProcess(server.ctx, staff.viewer, organisation, {
    slug,
    title: { en: `Process ${counter}` },
    description: { en: 'A test process.' },
    districtIds: [],
    eligibilityLevel: 'email',
    minAge: null,
    maxAge: null,
    residentsOnly: false,
    supportThreshold: 100,
    supportDays: 30,
    answerDays: 14,
    ...overrides,
  });
  assert.ok(created.ok, JSON.stringify(created));
  const now = Date.now();
  const phase = await savePhase(server.ctx, staff.viewer, organisation, created.id, null, {
    title: { en: 'Proposals' },
    startsAt: new Date(now - (closed ? 20 : 1) * 86_400_000),
    endsAt: new Date(now + (closed ? -10 : 10) * 86_400_000),
    parts,
  });
  assert.ok(phase.ok, JSON.stringify(phase));
  return { id: created.id, slug };
}

/** Submits a proposal through the form, as its author would; returns its id. */
async function propose(author: Person, slug: string, fields: Record<string, string> = {}): Promise<number> {
  const response = await author.client.postForm(`/processes/${slug}/proposals`, {
    _csrf: author.csrf,
    title: 'More benches in the park',
    body: 'Benches every hundred metres along the main path.',
    category: 'urbanism',
    ...fields,
  });
  assert.equal(response.status, 303, await response.text());
  const match = /\/proposals\/(\d+)$/.exec(response.headers.get('location') ?? '');
  assert.ok(match);
  return Number(match[1]);
}

function support(p: Person, proposalId: number | string, method: 'PUT' | 'DELETE' = 'PUT') {
  return p.client.request(method, `/api/v1/proposals/${proposalId}/support`, { headers: { 'x-csrf-token': p.csrf } });
}

async function expectError(response: Response, status: number, code: string) {
  const body = (await response.json()) as { error?: { code: string } };
  assert.equal(body.error?.code, code);
  assert.equal(response.status, status);
}

async function supportRows(proposalId: number) {
  return server.ctx.db
    .selectFrom('participation_support')
    .select(['user_id'])
    .where('proposal_id', '=', proposalId)
    .execute();
}

async function proposalRow(id: number) {
  return server.ctx.db.selectFrom('participation_proposal').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function auditLines(action: string, subjectId: number) {
  return server.ctx.db
    .selectFrom('core_audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('subject_id', '=', String(subjectId))
    .execute();
}

before(async () => {
  server = await startTestServer();
  const first = (await server.organisations.findAll())[0];
  if (!first) throw new Error('no city');
  organisation = first;
  const ids: number[] = [];
  for (const [code, offset] of [
    ['north', 0],
    ['south', 1],
  ] as const) {
    const ring = [
      [offset, 0],
      [offset + 1, 0],
      [offset + 1, 1],
      [offset, 1],
      [offset, 0],
    ];
    const row = await server.ctx.db
      .insertInto('places_district')
      .values({
        organisation_id: organisation.id,
        kind: 'district',
        code,
        parent_id: null,
        name: JSON.stringify({ en: code }),
        geometry: JSON.stringify({ type: 'Polygon', coordinates: [ring] }),
        min_lng: offset,
        min_lat: 0,
        max_lng: offset + 1,
        max_lat: 1,
        population: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  [north = 0, south = 0] = ids;
  staff = await person({ role: 'staff' });
  moderator = await person({ role: 'moderator' });
});
after(() => server.close());

describe('processes', () => {
  test('staff create a process and its phases through the forms, audited; residents may not', async () => {
    const resident = await person();
    const refused = await resident.client.postForm('/admin/participation/processes', {
      _csrf: resident.csrf,
      slug: 'not-allowed',
      title_en: 'No',
      supportThreshold: '10',
      supportDays: '10',
      answerDays: '10',
    });
    assert.equal(refused.status, 403);

    const slug = `master-plan-${Date.now()}`;
    const created = await staff.client.postForm('/admin/participation/processes', {
      _csrf: staff.csrf,
      slug,
      title_en: 'Master plan',
      description_en: 'Where homes and parks go.',
      districtIds: String(north),
      eligibilityLevel: 'verified',
      minAge: '14',
      maxAge: '18',
      supportThreshold: '50',
      supportDays: '60',
      answerDays: '30',
    });
    assert.equal(created.status, 303, await created.text());
    const id = Number(/processes\/(\d+)$/.exec(created.headers.get('location') ?? '')?.[1]);
    assert.equal((await auditLines('participation.process.create', id)).length, 1);

    const today = new Date().toISOString().slice(0, 10);
    const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const phase = await staff.client.request('POST', `/admin/participation/processes/${id}/phases`, {
      body: new URLSearchParams([
        ['_csrf', staff.csrf],
        ['phaseTitle_en', 'Ideas'],
        ['startsOn', today],
        ['endsOn', later],
        ['open_proposals', 'yes'],
        ['actions_proposals', 'create'],
        ['actions_proposals', 'support'],
        ['open_meetings', 'yes'],
      ]).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(phase.status, 303, await phase.text());
    assert.equal((await auditLines('participation.phase.create', id)).length, 1);
    const overlapping = await staff.client.postForm(`/admin/participation/processes/${id}/phases`, {
      _csrf: staff.csrf,
      phaseTitle_en: 'Overlap',
      startsOn: later,
      endsOn: later,
    });
    assert.equal(overlapping.status, 400);
    assert.match(await overlapping.text(), /overlap another phase/);
    const badParts = await staff.client.postForm(`/admin/participation/processes/${id}/phases`, {
      _csrf: staff.csrf,
      phaseTitle_en: 'Votes',
      startsOn: '2030-01-01',
      endsOn: '2030-02-01',
      open_debates: 'yes',
      actions_debates: 'support',
    });
    assert.equal(badParts.status, 400);

    const list = await new TestClient(server.url).get('/processes');
    const listHtml = await list.text();
    assert.match(
      listHtml,
      new RegExp(
        `<section aria-labelledby="processes-open">[\\s\\S]*href="/processes/${slug}"[\\s\\S]*</section>\\s*<section aria-labelledby="processes-upcoming">`,
      ),
    );
    const page = await (await new TestClient(server.url).get(`/processes/${slug}`)).text();
    assert.match(page, /<li aria-current="step"><h3>Ideas/);
    assert.match(page, /Verified residents only\. Aged 14 to 18\./);
    assert.match(page, /Proposals: create, support/);

    const api = (await (await new TestClient(server.url).get('/api/v1/processes')).json()) as Array<{
      slug: string;
      time: string;
      currentPhaseId: number | null;
      phases: Array<{ parts: Record<string, string[]> }>;
    }>;
    const mine = api.find((p) => p.slug === slug);
    assert.equal(mine?.time, 'open');
    assert.ok(mine.currentPhaseId);
    assert.deepEqual(mine.phases[0]?.parts, { proposals: ['create', 'support'], meetings: [] });
  });
});

describe('eligibility', () => {
  test('refuses support with a stable code for each rule and stores nothing', async () => {
    const youth = await buildProcess({
      eligibilityLevel: 'verified',
      minAge: 14,
      maxAge: 18,
      districtIds: [north],
      residentsOnly: true,
    });
    const author = await person({ birthYear: new Date().getUTCFullYear() - 16 });
    const id = await propose(author, youth.slug, { districtId: String(north) });

    const anonymous = new TestClient(server.url);
    const { csrf } = await anonymous.page('/processes');
    await expectError(
      await anonymous.request('PUT', `/api/v1/proposals/${id}/support`, { headers: { 'x-csrf-token': csrf } }),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    await expectError(
      await support(await person({ confirmed: false, verified: false }), id),
      403,
      'PARTICIPATION_EMAIL_NOT_CONFIRMED',
    );
    await expectError(await support(await person({ verified: false }), id), 403, 'PARTICIPATION_NOT_VERIFIED');
    await expectError(await support(await person({ birthYear: 1980 }), id), 403, 'PARTICIPATION_AGE_NOT_ELIGIBLE');
    await expectError(
      await support(await person({ birthYear: new Date().getUTCFullYear() - 16, districtId: south }), id),
      403,
      'PARTICIPATION_DISTRICT_NOT_ELIGIBLE',
    );
    assert.equal((await supportRows(id)).length, 0);
    assert.equal((await proposalRow(id)).supports_count, 0);

    const eligible = await person({ birthYear: new Date().getUTCFullYear() - 15, districtId: north });
    const ok = await support(eligible, id);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      proposalId: id,
      supported: true,
      supports: 1,
      threshold: 100,
      missing: 99,
      status: 'published',
    });

    const older = await person({ birthYear: 1970 });
    const page = await older.client.get(`/processes/${youth.slug}/proposals/new`);
    assert.match(await page.text(), /This process is for another age group\./);
  });

  test('refuses when the current phase does not open the part, and after a phase ends', async () => {
    const debatesOnly = await buildProcess({}, { debates: ['create', 'comment'] });
    const resident = await person();
    const refused = await resident.client.postForm(`/processes/${debatesOnly.slug}/proposals`, {
      _csrf: resident.csrf,
      title: 'A proposal',
      body: 'Something that should change.',
      category: 'other',
    });
    assert.equal(refused.status, 409);
    assert.equal(
      await server.ctx.db
        .selectFrom('participation_proposal')
        .select('id')
        .where('process_id', '=', debatesOnly.id)
        .executeTakeFirst(),
      undefined,
    );

    const open = await buildProcess();
    const id = await propose(resident, open.slug);
    await server.ctx.db
      .updateTable('participation_phase')
      .set({ ends_at: new Date(Date.now() - 1000) })
      .where('process_id', '=', open.id)
      .execute();
    await expectError(await support(await person(), id), 409, 'PARTICIPATION_CLOSED');
    assert.equal((await supportRows(id)).length, 0);
  });
});

describe('supports', () => {
  test('30 identical requests at once leave one support, and taking it back is idempotent', async () => {
    const process = await buildProcess();
    const id = await propose(await person(), process.slug);
    const resident = await person();
    const responses = await Promise.all(Array.from({ length: 30 }, () => support(resident, id)));
    assert.deepEqual([...new Set(responses.map((r) => r.status))], [200]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      supports: number;
      supported: boolean;
    }>;
    assert.ok(bodies.every((b) => b.supports === 1 && b.supported));
    assert.equal((await supportRows(id)).length, 1);
    assert.equal((await proposalRow(id)).supports_count, 1);

    const removed = await Promise.all(Array.from({ length: 5 }, () => support(resident, id, 'DELETE')));
    assert.deepEqual([...new Set(removed.map((r) => r.status))], [200]);
    assert.equal((await supportRows(id)).length, 0);
    assert.equal((await proposalRow(id)).supports_count, 0);
  });

  test('reaching the threshold changes the status and sets when the answer is due; staff answer it', async () => {
    const process = await buildProcess({ supportThreshold: 3, answerDays: 10 });
    const author = await person();
    const id = await propose(author, process.slug);
    // One after another: buildUser reads its counter after an await, so parallel calls can share an e-mail.
    const supporters = [await person(), await person(), await person()];
    await Promise.all(supporters.slice(0, 2).map((s) => support(s, id)));
    const page = await (await author.client.get(`/proposals/${id}`)).text();
    assert.match(page, /Your proposal needs 1 more support before/);
    assert.equal((await proposalRow(id)).status, 'published');
    const last = (await (await support(supporters[2] as Person, id)).json()) as { status: string; missing: number };
    assert.deepEqual([last.status, last.missing], ['threshold_reached', 0]);
    const row = await proposalRow(id);
    assert.equal(row.status, 'threshold_reached');
    assert.ok(row.answer_due_at && row.threshold_reached_at);
    assert.equal(Math.round((row.answer_due_at.getTime() - row.threshold_reached_at.getTime()) / 86_400_000), 10);
    const queue = await (await staff.client.get('/admin/participation/answers')).text();
    assert.match(queue, new RegExp(`/proposals/${id}#answer`));

    const resident = supporters[0] as Person;
    assert.equal(
      (
        await resident.client.postForm(`/proposals/${id}/answer`, {
          _csrf: resident.csrf,
          answer: 'accepted',
          answerText: 'Yes.',
        })
      ).status,
      403,
    );
    const bad = await staff.client.postForm(`/proposals/${id}/answer`, {
      _csrf: staff.csrf,
      answer: 'maybe',
      answerText: '',
    });
    assert.equal(bad.status, 400);
    const answered = await staff.client.postForm(`/proposals/${id}/answer`, {
      _csrf: staff.csrf,
      answer: 'accepted',
      answerText: 'The benches will be installed in spring.',
    });
    assert.equal(answered.status, 303);
    assert.equal((await proposalRow(id)).status, 'accepted');
    assert.equal((await auditLines('participation.proposal.answer', id)).length, 1);
    const mail = await server.ctx.db
      .selectFrom('core_mail')
      .select(['subject', 'text_body'])
      .where('to_address', '=', author.email)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    assert.match(mail?.text_body ?? '', /The benches will be installed in spring\./);
    await expectError(await support(await person(), id), 409, 'PROPOSAL_SUPPORT_CLOSED');
  });

  test('the author withdraws their proposal; nobody else can', async () => {
    const process = await buildProcess();
    const author = await person();
    const id = await propose(author, process.slug);
    const other = await person();
    assert.equal((await other.client.postForm(`/proposals/${id}/withdraw`, { _csrf: other.csrf })).status, 409);
    assert.equal((await author.client.postForm(`/proposals/${id}/withdraw`, { _csrf: author.csrf })).status, 303);
    assert.equal((await proposalRow(id)).status, 'withdrawn');
    const list = (await (await new TestClient(server.url).get(`/api/v1/proposals?process=${process.slug}`)).json()) as {
      proposals: Array<{ id: number }>;
    };
    assert.ok(!list.proposals.some((p) => p.id === id), 'withdrawn proposals leave the default list');
  });
});

describe('debates and comments', () => {
  test('arguments for and against, replies, one vote per person, best and newest order', async () => {
    const process = await buildProcess();
    const opener = await person();
    const opened = await opener.client.postForm(`/processes/${process.slug}/debates`, {
      _csrf: opener.csrf,
      title: 'Close the centre to cars?',
      body: 'On weekends, as a trial for the summer.',
    });
    assert.equal(opened.status, 303);
    const debateId = Number(/debates\/(\d+)$/.exec(opened.headers.get('location') ?? '')?.[1]);
    const post = async (p: Person, fields: Record<string, string>) => {
      const response = await p.client.postForm('/comments', {
        _csrf: p.csrf,
        subjectType: 'debate',
        subjectId: String(debateId),
        ...fields,
      });
      assert.equal(response.status, 303, await response.text());
      return Number(/comment-(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
    };
    const forId = await post(opener, { body: 'Squares for children again.', stance: 'for' });
    const againstId = await post(await person(), { body: 'Older people need access.', stance: 'against' });
    const replyId = await post(opener, { parentId: String(againstId), [`reply-${againstId}`]: 'Shuttles could help.' });
    const nested = await post(await person(), { parentId: String(replyId), body: 'Agreed.', stance: 'for' });
    const rows = await server.ctx.db
      .selectFrom('participation_comment')
      .select(['id', 'parent_id', 'stance'])
      .where('id', 'in', [replyId, nested])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.parent_id, r.stance]),
      [
        [againstId, null],
        [againstId, null],
      ],
      'replies join the top-level thread and carry no stance',
    );

    const voter = await person();
    const votes = await Promise.all(
      Array.from({ length: 10 }, () =>
        voter.client.postForm(`/comments/${againstId}/vote`, { _csrf: voter.csrf, value: 'up' }),
      ),
    );
    assert.deepEqual([...new Set(votes.map((v) => v.status))], [303]);
    const counts = async (id: number) =>
      server.ctx.db
        .selectFrom('participation_comment')
        .select(['ups', 'downs'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    assert.deepEqual(await counts(againstId), { ups: 1, downs: 0 });
    await voter.client.postForm(`/comments/${againstId}/vote`, { _csrf: voter.csrf, value: 'down' });
    assert.deepEqual(await counts(againstId), { ups: 0, downs: 1 });
    await voter.client.postForm(`/comments/${forId}/vote`, { _csrf: voter.csrf, value: 'up' });
    assert.equal(
      (await voter.client.postForm(`/comments/${againstId}/vote`, { _csrf: voter.csrf, value: 'sideways' })).status,
      400,
    );

    const page = await (await new TestClient(server.url).get(`/debates/${debateId}`)).text();
    assert.match(
      page,
      /<h3 id="arguments-for">Arguments for<\/h3>[\s\S]*Squares for children again\.[\s\S]*<h3 id="arguments-against">/,
    );
    assert.match(page, /1 for · 1 against/);
    const order = (html: string) =>
      [...html.matchAll(/<li class="comment[^"]*" id="comment-(\d+)"/g)].map((m) => Number(m[1]));
    const debateComments = await post(opener, { body: 'A general remark.' });
    const latest = await post(await person(), { body: 'Another remark, later.' });
    const best = order(
      await (await new TestClient(server.url).get(`/debates/${debateId}?comments=best`)).text(),
    ).filter((id) => id === debateComments || id === latest);
    await voter.client.postForm(`/comments/${latest}/vote`, { _csrf: voter.csrf, value: 'up' });
    const bestAfter = order(
      await (await new TestClient(server.url).get(`/debates/${debateId}?comments=best`)).text(),
    ).filter((id) => id === debateComments || id === latest);
    const newest = order(
      await (await new TestClient(server.url).get(`/debates/${debateId}?comments=newest`)).text(),
    ).filter((id) => id === debateComments || id === latest);
    assert.deepEqual(best, [debateComments, latest], 'equal scores: oldest first');
    assert.deepEqual(bestAfter, [latest, debateComments], 'the up vote moves it first');
    assert.deepEqual(newest, [latest, debateComments]);
  });

  test('a moderator hides a flagged comment with a reason, audited; others may not', async () => {
    const process = await buildProcess();
    const author = await person();
    const proposalId = await propose(author, process.slug);
    const posted = await author.client.postForm('/comments', {
      _csrf: author.csrf,
      subjectType: 'proposal',
      subjectId: String(proposalId),
      body: 'Buy my miracle pills at example.com',
    });
    const commentId = Number(/comment-(\d+)$/.exec(posted.headers.get('location') ?? '')?.[1]);
    const flagger = await person();
    assert.equal(
      (await flagger.client.postForm(`/comments/${commentId}/flag`, { _csrf: flagger.csrf, reason: 'spam' })).status,
      303,
    );
    await flagger.client.postForm(`/comments/${commentId}/flag`, { _csrf: flagger.csrf, reason: 'spam' });
    const queue = await (await moderator.client.get('/admin/participation/moderation')).text();
    assert.match(queue, /Buy my miracle pills/);
    assert.match(queue, /reported 1 time\b/);

    assert.equal(
      (
        await flagger.client.postForm(`/comments/${commentId}/moderate`, {
          _csrf: flagger.csrf,
          hide: 'yes',
          reason: 'spam',
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await moderator.client.postForm(`/comments/${commentId}/moderate`, {
          _csrf: moderator.csrf,
          hide: 'yes',
          reason: '',
        })
      ).status,
      400,
    );
    const hidden = await moderator.client.postForm(`/comments/${commentId}/moderate`, {
      _csrf: moderator.csrf,
      hide: 'yes',
      reason: 'Advertising',
    });
    assert.equal(hidden.status, 303);
    const audit = await auditLines('participation.comment.hide', commentId);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.actor_user_id, moderator.id);
    const line = audit[0];
    assert.ok(line);
    const after =
      typeof line.after === 'string'
        ? (JSON.parse(line.after) as { reason: string })
        : (line.after as { reason: string });
    assert.equal(after.reason, 'Advertising');
    const page = await (await new TestClient(server.url).get(`/proposals/${proposalId}`)).text();
    assert.doesNotMatch(page, /miracle pills/);
    assert.match(page, /This comment was hidden by a moderator\./);
    assert.doesNotMatch(await (await moderator.client.get('/admin/participation/moderation')).text(), /miracle pills/);
  });
});

describe('lists', () => {
  test('filter by category, district and status, and sort by supports, newest and a stable random order', async () => {
    const process = await buildProcess();
    const author = await person();
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(
        await propose(author, process.slug, {
          title: `Proposal number ${i}`,
          category: i % 3 === 0 ? 'mobility' : 'culture',
          districtId: String(i % 2 === 0 ? north : south),
        }),
      );
    }
    // Supports counts set directly: the ordering is under test here, not the counting.
    for (const [index, id] of ids.entries())
      await server.ctx.db
        .updateTable('participation_proposal')
        .set({ supports_count: (index * 7) % 12 })
        .where('id', '=', id)
        .execute();
    await server.ctx.db
      .updateTable('participation_proposal')
      .set({ status: 'accepted' })
      .where('id', '=', ids[5] as number)
      .execute();
    const get = async (query: string) =>
      (await (await new TestClient(server.url).get(`/api/v1/proposals?process=${process.slug}&${query}`)).json()) as {
        proposals: Array<{ id: number; supports: number; category: string; districtId: number; status: string }>;
        next: string | null;
        seed: number;
      };

    const bySupports = await get('sort=supports&limit=100');
    assert.deepEqual(
      bySupports.proposals.map((p) => p.supports),
      [...bySupports.proposals.map((p) => p.supports)].sort((a, b) => b - a),
    );
    assert.equal(bySupports.proposals.length, 12);
    const newest = await get('sort=newest&limit=100');
    assert.deepEqual(
      newest.proposals.map((p) => p.id),
      [...ids].reverse(),
    );
    assert.ok((await get('category=mobility&limit=100')).proposals.every((p) => p.category === 'mobility'));
    assert.equal((await get('category=mobility&limit=100')).proposals.length, 4);
    assert.ok((await get('district=south&limit=100')).proposals.every((p) => p.districtId === south));
    assert.deepEqual(
      (await get('status=accepted')).proposals.map((p) => p.id),
      [ids[5]],
    );

    // Keyset pages of the random order cover every proposal once, and the same seed gives the same order.
    const walk = async (sort: string, seed: number) => {
      const seen: number[] = [];
      let after = '';
      for (let i = 0; i < 10; i++) {
        const page = await get(`sort=${sort}&seed=${seed}&limit=5${after ? `&after=${after}` : ''}`);
        seen.push(...page.proposals.map((p) => p.id));
        if (!page.next) break;
        after = page.next;
      }
      return seen;
    };
    const first = await walk('random', 123_456);
    assert.deepEqual(
      [...first].sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
    );
    assert.deepEqual(await walk('random', 123_456), first);
    const seeds = await Promise.all([1, 500_000_000, 1_000_000_000, 2_000_000_000].map((seed) => walk('random', seed)));
    assert.ok(
      seeds.some((order) => order.join() !== first.join()),
      'other seeds give other orders',
    );
    assert.deepEqual(
      await walk('supports', 0),
      bySupports.proposals.map((p) => p.id),
    );

    const html = await (
      await new TestClient(server.url).get(`/proposals?process=${process.slug}&category=mobility&district=north`)
    ).text();
    const titles = [...html.matchAll(/Proposal number (\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      [...new Set(titles)].sort((a, b) => a - b),
      [0, 6],
    );
    const map = await (await new TestClient(server.url).get(`/proposals?process=${process.slug}&view=map`)).text();
    assert.match(map, /<svg viewBox/);
  });

  test('places a located proposal in its district and on the map', async () => {
    const process = await buildProcess();
    const id = await propose(await person(), process.slug, { lat: '0.5', lng: '1.5' });
    assert.equal((await proposalRow(id)).district_id, south);
    const map = await (await new TestClient(server.url).get(`/proposals?process=${process.slug}&view=map`)).text();
    assert.match(
      map,
      new RegExp(`<a href="/proposals/${id}" class="map-proposal"><title>More benches in the park</title><circle`),
    );
  });
});

describe('bad input', () => {
  test('API and forms answer clear errors and store nothing', async () => {
    const process = await buildProcess();
    const resident = await person();
    await expectError(await support(resident, 'abc'), 400, 'VALIDATION_FAILED');
    await expectError(await support(resident, 999_999), 404, 'PROPOSAL_NOT_FOUND');
    await expectError(await resident.client.request('PUT', `/api/v1/proposals/1/support`), 403, 'CSRF_TOKEN_INVALID');
    await expectError(await new TestClient(server.url).get('/api/v1/proposals?sort=loudest'), 400, 'VALIDATION_FAILED');
    await expectError(await new TestClient(server.url).get('/api/v1/proposals?after=1;drop'), 400, 'VALIDATION_FAILED');
    await expectError(await new TestClient(server.url).get('/api/v1/proposals?limit=5000'), 400, 'VALIDATION_FAILED');
    await expectError(
      await new TestClient(server.url).get('/api/v1/proposals?process=no-such-process'),
      400,
      'VALIDATION_FAILED',
    );
    await expectError(
      await new TestClient(server.url).get('/api/v1/proposals?category=weather'),
      400,
      'VALIDATION_FAILED',
    );

    const before = await server.ctx.db
      .selectFrom('participation_proposal')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const cases: Array<Record<string, string>> = [
      { title: '', body: 'Something that should change.', category: 'other' },
      { title: 'A fine title', body: 'short', category: 'other' },
      { title: 'A fine title', body: 'Something that should change.', category: 'weather' },
      { title: 'A fine title', body: 'Something that should change.', category: 'other', districtId: '999999' },
      { title: 'A fine title', body: 'Something that should change.', category: 'other', lat: '44.1' },
      { title: 'x'.repeat(201), body: 'Something that should change.', category: 'other' },
    ];
    for (const fields of cases) {
      const response = await resident.client.postForm(`/processes/${process.slug}/proposals`, {
        _csrf: resident.csrf,
        ...fields,
      });
      assert.equal(response.status, 400, JSON.stringify(fields));
      assert.match(await response.text(), /class="error-summary"/);
    }
    const noCsrf = await resident.client.postForm(`/processes/${process.slug}/proposals`, {
      title: 'A fine title',
      body: 'Something that should change.',
      category: 'other',
    });
    assert.equal(noCsrf.status, 403);
    const afterCount = await server.ctx.db
      .selectFrom('participation_proposal')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(afterCount.n, before.n);
    assert.equal((await new TestClient(server.url).get('/proposals/abc')).status, 404);
    assert.equal((await new TestClient(server.url).get('/processes/no-such-process')).status, 404);
    const emptyComment = await resident.client.postForm('/comments', {
      _csrf: resident.csrf,
      subjectType: 'proposal',
      subjectId: '999999',
      body: 'Hello there',
    });
    assert.equal(emptyComment.status, 404);
  });
});

describe('personal data', () => {
  test('exports a person’s proposals, supports and comments; erasing anonymises and can hide their content', async () => {
    const process = await buildProcess();
    const resident = await person();
    const id = await propose(resident, process.slug);
    // authors do not support their own proposal: the resident supports a neighbour's
    const neighbour = await person();
    const supported = await propose(neighbour, process.slug);
    await support(resident, supported);
    await resident.client.postForm('/comments', {
      _csrf: resident.csrf,
      subjectType: 'proposal',
      subjectId: String(id),
      body: 'My own comment.',
    });
    const exported = await server.ctx.db
      .transaction()
      .execute((tx) => participationPersonalData.export(tx, resident.id));
    const data = exported as {
      proposals: Array<{ id: number }>;
      supports: Array<{ proposalId: number }>;
      comments: Array<{ body: string }>;
    };
    assert.deepEqual(
      data.proposals.map((p) => p.id),
      [id],
    );
    assert.deepEqual(
      data.supports.map((s) => s.proposalId),
      [supported],
    );
    assert.deepEqual(
      data.comments.map((c) => c.body),
      ['My own comment.'],
    );

    await server.ctx.db
      .transaction()
      .execute((tx) => participationPersonalData.erase(tx, resident.id, { removeContent: true }));
    const row = await proposalRow(id);
    assert.equal(row.author_id, null);
    assert.ok(row.hidden_at);
    // The proposal still collects supports: the support goes with the account (supports-erasure.test.ts
    // shows a support counted once collection ended staying, without the person).
    assert.equal(
      (await proposalRow(supported)).supports_count,
      0,
      'a support still open to withdrawal goes with the account',
    );
    assert.deepEqual(await supportRows(supported), []);
    const comment = await server.ctx.db
      .selectFrom('participation_comment')
      .select(['author_id', 'hidden_at'])
      .where('subject_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(comment.author_id, null);
    assert.ok(comment.hidden_at);
    assert.equal((await new TestClient(server.url).get(`/proposals/${id}`)).status, 404);
  });
});
