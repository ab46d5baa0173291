import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runPublishing } from '../../src/modules/publishing/delivery.ts';
import { FakeChannel } from '../support/publishing.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { act, addDestination, postState, publishingPeople, writePost } from './support.ts';

/**
 * A post already out is corrected or withdrawn, never edited as a draft: the correction reaches every
 * channel that can edit in place (and the news page), a channel that cannot is marked so; a withdrawal
 * takes the post off the news pages at once and deletes it where the channel can. Both are audited, both
 * refuse what does not fit, and a channel that refuses for a while is tried again.
 */
let server: TestServer;
let people: Awaited<ReturnType<typeof publishingPeople>>;
const editable = new FakeChannel('test-editable', { edit: true });
const fixed = new FakeChannel('test-fixed');
let editableId: number;
let fixedId: number;
let newsId: number;

before(async () => {
  server = await startTestServer({ modules: [editable.module('test-editable'), fixed.module('test-fixed')] });
  const [city] = await server.organisations.findAll();
  assert.ok(city);
  await server.organisations.update(city.id, { languages: ['en', 'it'] }); // a city of two languages
  people = await publishingPeople(server);
  editableId = (await addDestination(server, people.admin.client, 'test-editable', 'Editable social')).id;
  fixedId = (await addDestination(server, people.admin.client, 'test-fixed', 'Sent newsletter')).id;
  // the news pages are a built-in destination, made when the editor first lists destinations
  await people.author.client.page('/staff/publishing/posts/new');
  newsId = (
    await server.ctx.db
      .selectFrom('publishing_destination')
      .select('id')
      .where('kind', '=', 'web')
      .executeTakeFirstOrThrow()
  ).id;
});
after(() => server.close());

/** A post written, approved and published on the three destinations. */
async function publishedPost(title: string, body: string): Promise<{ id: number; slug: string }> {
  const written = await writePost(people.author.client, {
    title_en: title,
    body_en: body,
    departmentId: String(people.roads),
    destinationIds: [String(editableId), String(fixedId), String(newsId)],
    schedule: 'now',
  });
  const id = written.id ?? 0;
  assert.ok(id, written.html.slice(0, 500));
  assert.equal((await act(people.author.client, id, 'submit')).status, 303);
  assert.equal((await act(people.approver.client, id, 'approve')).status, 303);
  await runPublishing(server.ctx);
  assert.equal(await postState(server, id), 'published');
  const { slug } = await server.ctx.db
    .selectFrom('publishing_post')
    .select('slug')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { id, slug };
}

/** Posts the correction form (its channels are a repeated field). */
async function correct(postId: number, fields: Record<string, string | string[]>) {
  const path = `/staff/publishing/posts/${postId}/correct`;
  const { csrf } = await people.author.client.page(path);
  const body = new URLSearchParams({ _csrf: csrf });
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  return people.author.client.request('POST', path, {
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

async function changesOf(postId: number) {
  return server.ctx.db
    .selectFrom('publishing_delivery_change as c')
    .innerJoin('publishing_delivery as d', 'd.id', 'c.delivery_id')
    .select(['d.destination_id as destinationId', 'c.kind', 'c.state', 'c.attempts'])
    .where('d.post_id', '=', postId)
    .orderBy('c.id')
    .execute();
}

test('a correction reaches the channels that edit in place and the news page; one that cannot is marked so', async () => {
  const { id, slug } = await publishedPost('Bridge closed', 'The Ponte Vecchio bridge is closed on Monday.');
  const asDraft = await people.author.client.submit(
    `/staff/publishing/posts/${id}/edit`,
    `/staff/publishing/posts/${id}/edit`,
    { title_en: 'Bridge', body_en: 'Edited as a draft', destinationIds: String(newsId), schedule: 'now' },
  );
  assert.equal(asDraft.status, 409, 'a published post is not edited as a draft');
  const form = await people.author.client.page(`/staff/publishing/posts/${id}/correct`);
  assert.equal(form.response.status, 200);
  assert.match(form.html, /Correct a published post/);
  const corrected = await correct(id, {
    title_en: 'Bridge closed',
    body_en: 'The Ponte Vecchio bridge is closed on Tuesday.',
    departmentId: String(people.roads),
    destinationIds: [String(editableId), String(fixedId), String(newsId)],
  });
  assert.equal(corrected.status, 303, await corrected.text());
  await runPublishing(server.ctx);
  assert.deepEqual(
    editable.updateCalls.map((call) => call.text),
    ['The Ponte Vecchio bridge is closed on Tuesday.'],
    'the editable channel received the corrected text once',
  );
  const states = Object.fromEntries((await changesOf(id)).map((c) => [c.destinationId, c.state]));
  assert.deepEqual(states, { [editableId]: 'done', [fixedId]: 'unsupported', [newsId]: 'done' });
  const page = await (await fetch(`${server.url}/news/${slug}?lang=en`)).text();
  assert.match(page, /closed on Tuesday/);
  assert.doesNotMatch(page, /closed on Monday/);
  const staffPage = await people.author.client.page(`/staff/publishing/posts/${id}`);
  assert.match(staffPage.html, /this channel cannot do it/);
  const audit = await server.ctx.db
    .selectFrom('core_audit_log')
    .select(['action'])
    .where('subject_type', '=', 'publishing_post')
    .where('subject_id', '=', String(id))
    .execute();
  assert.ok(audit.some((row) => row.action === 'publishing.post.correct'));
  const events = await server.ctx.db
    .selectFrom('core_event')
    .select('type')
    .where('type', '=', 'post.corrected')
    .execute();
  assert.equal(events.length, 1);
});

test('a correction that does not fit a channel, or adds a language, is refused and changes nothing', async () => {
  const { id } = await publishedPost('Market', 'The market moves to the square.');
  const before = await changesOf(id);
  const attempts: Array<Record<string, string>> = [
    { title_en: 'Market', body_en: 'x'.repeat(600) },
    { title_en: 'Market', body_en: 'The market moves.', body_it: 'Il mercato si sposta.' },
    { title_en: 'Market', body_en: '' },
  ];
  for (const fields of attempts) {
    const response = await correct(id, {
      ...fields,
      departmentId: String(people.roads),
      destinationIds: [String(editableId), String(newsId)],
    });
    assert.equal(response.status, 400, JSON.stringify(fields).slice(0, 80));
  }
  assert.deepEqual(await changesOf(id), before);
  const texts = await server.ctx.db
    .selectFrom('publishing_post_text')
    .select(['language', 'body'])
    .where('post_id', '=', id)
    .execute();
  assert.deepEqual(texts, [{ language: 'en', body: 'The market moves to the square.' }]);
  // staff of another department, a resident: refused
  assert.equal((await people.otherDepartment.client.get(`/staff/publishing/posts/${id}/correct`)).status, 403);
  assert.equal((await people.resident.client.get(`/staff/publishing/posts/${id}/correct`)).status, 403);
});

test('a withdrawal leaves the news pages at once, deletes where the channel can, retried while refused', async () => {
  const { id, slug } = await publishedPost('Concert', 'The concert in the park is on Friday.');
  assert.equal((await fetch(`${server.url}/news/${slug}?lang=en`)).status, 200);
  const noReason = await act(people.author.client, id, 'withdraw', { reason: '  ' });
  assert.equal(noReason.status, 400);
  assert.match(await noReason.text(), /Say why the post is withdrawn/);
  assert.equal(await postState(server, id), 'published');

  editable.changeMode = 'refuse-retryable';
  const removed = editable.removeCalls.length;
  assert.equal((await act(people.author.client, id, 'withdraw', { reason: 'The concert is cancelled.' })).status, 303);
  assert.equal(await postState(server, id), 'withdrawn');
  assert.equal((await fetch(`${server.url}/news/${slug}?lang=en`)).status, 404, 'off the news pages at once');
  const list = await (await fetch(`${server.url}/news?lang=en`)).text();
  assert.doesNotMatch(list, /The concert in the park/);
  await runPublishing(server.ctx);
  const refused = (await changesOf(id)).find((c) => c.destinationId === editableId);
  assert.deepEqual([refused?.kind, refused?.state, refused?.attempts], ['remove', 'pending', 1], 'tried again later');
  editable.changeMode = 'ok';
  await runPublishing(server.ctx, new Date(Date.now() + 60 * 60_000));
  assert.equal(editable.removeCalls.length, removed + 2);
  const states = Object.fromEntries((await changesOf(id)).map((c) => [c.destinationId, c.state]));
  assert.deepEqual(states, { [editableId]: 'done', [fixedId]: 'unsupported', [newsId]: 'done' });
  const deliveries = await server.ctx.db
    .selectFrom('publishing_delivery')
    .select(['destination_id', 'state'])
    .where('post_id', '=', id)
    .orderBy('destination_id')
    .execute();
  assert.deepEqual(
    deliveries.filter((d) => d.destination_id !== fixedId).map((d) => d.state),
    ['removed', 'removed'],
  );
  const page = await people.author.client.page(`/staff/publishing/posts/${id}`);
  assert.match(page.html, /The concert is cancelled\./);
  assert.equal((await act(people.author.client, id, 'withdraw', { reason: 'again' })).status, 409, 'once');
});
