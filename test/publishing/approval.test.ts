import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runPublishing } from '../../src/modules/publishing/delivery.ts';
import { forgetCrisisBanners } from '../../src/modules/publishing/pages/review.pages.ts';
import { TestClient } from '../support/client.ts';
import { FakeChannel } from '../support/publishing.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { act, addDestination, postState, publishingPeople, writePost } from './support.ts';

/**
 * Posts from the editor to publication over real HTTP: limits checked on the server with stable codes,
 * four eyes, who may see and act on a post, changes requested with the difference shown, the outside
 * review link and its expiry, the emergency path and the crisis banner.
 */
let server: TestServer;
let people: Awaited<ReturnType<typeof publishingPeople>>;
let destinationId: number;
const channel = new FakeChannel();

before(async () => {
  server = await startTestServer({ modules: [channel.module()] });
  people = await publishingPeople(server);
  destinationId = (await addDestination(server, people.admin.client, 'test-channel', 'Fake social')).id;
});
after(() => server.close());

const post = (body: string, extra: Record<string, string | string[]> = {}) => ({
  body_en: body,
  departmentId: String(people.roads),
  destinationIds: [String(destinationId)],
  schedule: 'now',
  ...extra,
});

test('destination credentials are sealed, never stored or shown in clear', async () => {
  const row = await server.ctx.db
    .selectFrom('publishing_destination')
    .select('secrets')
    .where('id', '=', destinationId)
    .executeTakeFirstOrThrow();
  const sealed = row.secrets ?? '';
  assert.ok(sealed.startsWith('v1.'));
  assert.ok(!sealed.includes('secret-token-123'), 'the token is not in the sealed text');
  const { html } = await people.admin.client.page(`/admin/publishing/destinations/${destinationId}`);
  assert.ok(!html.includes('secret-token-123'));
  // staff who are not administrators cannot open destinations
  assert.equal((await people.author.client.get('/admin/publishing/destinations')).status, 403);
});

test('a text over the channel limit cannot be sent for approval; the page names the destination and the count', async () => {
  const long = `${'word '.repeat(95)}https://city.example/a/very/long/link/that/counts/as/twenty-three/characters/only`;
  const written = await writePost(people.author.client, post(long));
  assert.equal(written.status, 303, written.html);
  const id = written.id ?? 0;
  // 95 × 5 characters + a link counted as 23 = 498: fits
  assert.equal((await act(people.author.client, id, 'submit')).status, 303);
  assert.equal(await postState(server, id), 'in_review');

  const tooLong = await writePost(people.author.client, post('é'.repeat(501)));
  const tooLongId = tooLong.id ?? 0;
  const refused = await act(people.author.client, tooLongId, 'submit');
  assert.equal(refused.status, 422);
  const html = await refused.text();
  assert.match(html, /Fake social \(English\): 501 of 500|Fake social \(English\): 501 characters, 500 allowed/);
  assert.equal(await postState(server, tooLongId), 'draft');
  // the editor shows the count per destination as the server counts it
  const editor = await people.author.client.page(`/staff/publishing/posts/${tooLongId}/edit`);
  assert.match(editor.html, /Fake social: 501 of 500 characters/);
  assert.match(editor.html, /publishing-counter--over/);
});

test('four eyes: the author cannot approve, another member of the department can; the job then publishes once', async () => {
  const written = await writePost(people.author.client, post('Road works on Main Street from Monday.'));
  const id = written.id ?? 0;
  assert.equal((await act(people.author.client, id, 'submit')).status, 303);
  const own = await act(people.author.client, id, 'approve');
  assert.equal(own.status, 403);
  assert.match(await own.text(), /four eyes|cannot approve/i);
  // staff of another department may neither see nor approve it; residents not at all
  assert.equal((await people.otherDepartment.client.get(`/staff/publishing/posts/${id}`)).status, 403);
  assert.equal((await act(people.otherDepartment.client, id, 'approve')).status, 403);
  assert.equal((await people.resident.client.get(`/staff/publishing/posts/${id}`)).status, 403);
  assert.equal((await people.resident.client.get('/staff/publishing')).status, 403);
  assert.equal((await new TestClient(server.url).get('/staff/publishing')).status, 401);
  assert.equal(await postState(server, id), 'in_review');

  assert.equal((await act(people.approver.client, id, 'approve')).status, 303);
  assert.equal(await postState(server, id), 'scheduled');
  const before = channel.publishCalls.length;
  await runPublishing(server.ctx);
  await runPublishing(server.ctx);
  assert.equal(await postState(server, id), 'published');
  const deliveries = await server.ctx.db
    .selectFrom('publishing_delivery')
    .selectAll()
    .where('post_id', '=', id)
    .execute();
  assert.equal(deliveries.length, 1);
  assert.equal(deliveries[0]?.state, 'published');
  assert.equal(channel.publishCalls.length, before + 1);
  assert.equal(channel.lastSecrets.token, 'secret-token-123');
  const audit = await server.ctx.db
    .selectFrom('core_audit_log')
    .select('action')
    .where('subject_type', '=', 'publishing_post')
    .where('subject_id', '=', String(id))
    .orderBy('id')
    .execute();
  assert.deepEqual(
    audit.map((row) => row.action),
    ['publishing.post.create', 'publishing.post.submit', 'publishing.post.approve'],
  );
});

test('changes requested: back to the author with the comment; the next version shows what changed', async () => {
  const id = (await writePost(people.author.client, post('The park closes on Monday.'))).id ?? 0;
  await act(people.author.client, id, 'submit');
  const empty = await act(people.approver.client, id, 'changes', { comment: '  ' });
  assert.equal(empty.status, 400);
  assert.equal(
    (await act(people.approver.client, id, 'changes', { comment: 'Say which day it opens again.' })).status,
    303,
  );
  assert.equal(await postState(server, id), 'changes_requested');
  const edit = await people.author.client.submit(
    `/staff/publishing/posts/${id}/edit`,
    `/staff/publishing/posts/${id}/edit`,
    {
      ...post('The park closes on Monday and opens again on Friday.'),
      destinationIds: String(destinationId),
    },
  );
  assert.equal(edit.status, 303);
  const { html } = await people.author.client.page(`/staff/publishing/posts/${id}`);
  assert.match(html, /Say which day it opens again\./);
  assert.match(html, /Monday<ins><span class="visually-hidden">added: <\/span> and opens again on Friday<\/ins>\./);
  assert.match(html, /Changes between version 1 and version 2/);
});

test('an outside reviewer with a link comments and asks for changes on that post only; the link expires', async () => {
  const id = (await writePost(people.author.client, post('Consultation on the new bus lines.'))).id ?? 0;
  await act(people.author.client, id, 'submit');
  const created = await act(people.author.client, id, 'review-link', { reviewerName: 'Ana from the NGO', days: '3' });
  assert.equal(created.status, 200);
  const url = /(http:\/\/[^<\s]+\/publishing\/review\/[A-Za-z0-9_-]+)/.exec(await created.text())?.[1];
  assert.ok(url);
  const reviewer = new TestClient(server.url);
  const path = new URL(url).pathname;
  const page = await reviewer.page(path);
  assert.equal(page.response.status, 200);
  assert.match(page.html, /Consultation on the new bus lines/);
  const sent = await reviewer.postForm(path, {
    _csrf: page.csrf,
    decision: 'changes_requested',
    comment: 'Name the streets.',
  });
  assert.equal(sent.status, 303);
  assert.equal(await postState(server, id), 'changes_requested');
  // the link opens nothing else: no staff page
  assert.equal((await reviewer.get(`/staff/publishing/posts/${id}`)).status, 401);
  // a wrong token and an expired link
  assert.equal((await reviewer.get('/publishing/review/not-a-token')).status, 404);
  await server.ctx.db
    .updateTable('publishing_review_link')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('post_id', '=', id)
    .execute();
  const expired = await reviewer.get(path);
  assert.equal(expired.status, 410);
  const again = await reviewer.postForm(path, { _csrf: page.csrf, decision: 'approved', comment: '' });
  assert.equal(again.status, 410);
  const decisions = await server.ctx.db
    .selectFrom('publishing_decision')
    .select('decision')
    .where('post_id', '=', id)
    .execute();
  assert.ok(!decisions.some((d) => d.decision === 'approved'));
});

test('emergency path: one starts, the same person cannot confirm, a second confirms within 15 minutes; reviewed afterwards', async () => {
  const id = (await writePost(people.author.client, post('Water cut in the old town until 18:00.'))).id ?? 0;
  assert.equal((await act(people.author.client, id, 'emergency')).status, 303);
  assert.equal((await act(people.author.client, id, 'emergency/confirm')).status, 403);
  assert.equal((await act(people.otherDepartment.client, id, 'emergency/confirm')).status, 403);
  // after 15 minutes the request lapses
  await server.ctx.db
    .updateTable('publishing_post')
    .set({ emergency_started_at: new Date(Date.now() - 16 * 60_000) })
    .where('id', '=', id)
    .execute();
  assert.equal((await act(people.approver.client, id, 'emergency/confirm')).status, 409);
  await server.ctx.db
    .updateTable('publishing_post')
    .set({ emergency_started_at: new Date() })
    .where('id', '=', id)
    .execute();
  assert.equal((await act(people.approver.client, id, 'emergency/confirm')).status, 303);
  await runPublishing(server.ctx);
  assert.equal(await postState(server, id), 'published');
  const row = await server.ctx.db
    .selectFrom('publishing_post')
    .select('review_afterwards')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(row.review_afterwards, true);
  assert.equal((await act(people.approver.client, id, 'reviewed')).status, 303);
});

test('a crisis broadcast goes to every destination at once and is pinned on every page until its time', async () => {
  const home = await new TestClient(server.url).get('/');
  assert.ok(!(await home.text()).includes('site-banner'));
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const started = await people.author.client.submit('/staff/publishing/crisis', '/staff/publishing/crisis', {
    title_en: 'Storm warning',
    body_en: 'Stay indoors tonight: a storm is expected from 20:00.',
    pinnedDay: tomorrow,
    pinnedTime: '12:00',
  });
  assert.equal(started.status, 303);
  const id = Number(/(\d+)$/.exec(started.headers.get('location') ?? '')?.[1]);
  assert.equal((await act(people.approver.client, id, 'emergency/confirm')).status, 303);
  await runPublishing(server.ctx);
  assert.equal(await postState(server, id), 'published');
  forgetCrisisBanners(); // the banner is read at most every 15 s
  const page = await (await new TestClient(server.url).get('/')).text();
  assert.match(page, /class="site-banner"[^>]*>.*Storm warning/s);
});

test('approval steps per department: each step by its approvers in order; a named approver of another department reads and approves', async () => {
  const saved = await people.admin.client.submit('/admin/publishing/steps', '/admin/publishing/steps', {
    departmentId: String(people.roads),
    names: 'Head of roads',
    approverDepartments: String(people.roads),
    approverEmails: '',
  });
  assert.equal(saved.status, 303);
  // a second step named by e-mail address (urlencoded lists: the fields repeated)
  const { csrf } = await people.admin.client.page('/admin/publishing/steps');
  const body = new URLSearchParams({ _csrf: csrf, departmentId: String(people.roads) });
  for (const [name, department, emails] of [
    ['Head of roads', String(people.roads), ''],
    ['Communication office', '', people.otherDepartment.user.email],
  ]) {
    body.append('names', name ?? '');
    body.append('approverDepartments', department ?? '');
    body.append('approverEmails', emails ?? '');
  }
  const second = await people.admin.client.request('POST', '/admin/publishing/steps', {
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(second.status, 303);
  const unknown = await people.admin.client.submit('/admin/publishing/steps', '/admin/publishing/steps', {
    names: 'Nobody',
    approverDepartments: '',
    approverEmails: 'nobody@example.org',
  });
  assert.equal(unknown.status, 400);

  const id = (await writePost(people.author.client, post('Night works on the ring road next week.'))).id ?? 0;
  await act(people.author.client, id, 'submit');
  assert.equal((await act(people.otherDepartment.client, id, 'approve')).status, 403, 'not the approver of step 1');
  assert.equal((await act(people.approver.client, id, 'approve')).status, 303);
  assert.equal(await postState(server, id), 'in_review');
  assert.equal((await act(people.approver.client, id, 'approve')).status, 403, 'not the approver of step 2');
  // the named approver of another department reads the post, but may not edit it
  assert.equal((await people.otherDepartment.client.get(`/staff/publishing/posts/${id}`)).status, 200);
  assert.equal((await people.otherDepartment.client.get(`/staff/publishing/posts/${id}/edit`)).status, 403);
  assert.equal((await act(people.otherDepartment.client, id, 'approve')).status, 303);
  assert.equal(await postState(server, id), 'scheduled');
  // back to no steps for the other tests
  await server.ctx.db.deleteFrom('publishing_approval_step').execute();
});

test('bad input gets a clear error, never a server error', async () => {
  const { client } = people.author;
  const cases: Array<Record<string, string>> = [
    { body_en: 'x', departmentId: 'abc' },
    { body_en: 'x', destinationIds: '99999999999' },
    { body_en: 'x', schedule: 'sometime' },
    { body_en: 'x', scheduledDay: '2026-02-30', schedule: 'at' },
    { body_en: 'x', departmentId: String(people.parks) },
    { body_en: '' },
  ];
  for (const fields of cases) {
    const written = await writePost(client, fields);
    assert.ok(written.status >= 400 && written.status < 500, `${JSON.stringify(fields)} answered ${written.status}`);
  }
  const other = await writePost(client, { body_en: 'x', departmentId: String(people.parks) });
  assert.match(other.html, /You cannot write posts for this department/);
  assert.equal((await client.get('/staff/publishing/posts/abc')).status, 404);
  assert.equal((await client.get('/staff/publishing/posts/2147483647')).status, 404);
  const retry = await client.submit('/staff/publishing', '/staff/publishing/posts/2147483647/deliveries/1/retry', {});
  assert.equal(retry.status, 404);
  const json = await client.request('POST', '/staff/publishing/posts/1/approve', {
    body: '{}',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
  });
  assert.ok(json.status >= 400 && json.status < 500);
});
