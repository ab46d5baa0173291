import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { Value } from 'typebox/value';
import { changeReportStatus, submitReport } from '../../src/modules/reports/index.ts';
import { RETRY_SCHEDULE_MS, runWebhooks as runOnce } from '../../src/modules/webhooks/delivery.ts';
import { sql } from 'kysely';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import { recordEvent } from '../../src/platform/events.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.ts';

/**
 * Webhooks end to end: an administrator subscribes a local receiver through the pages, the city's events
 * reach it signed, and the official `standardwebhooks` package — the outside validator — accepts the
 * signatures; retries on the schedule, the pause after the whole schedule failed (and the owner's mail),
 * redelivery, rotation with two valid secrets, the outbound guard, and bad input.
 */

let server: TestServer;
let receiver: WebhookReceiver;
let city: Organisation;
let admin: TestClient;
let officer: Viewer;
let hooks = 0;

before(async () => {
  receiver = await new WebhookReceiver().start();
  server = await startTestServer({ demo: true, allowOutbound: [receiver.url] });
  city = (await server.organisations.findAll())[0] as Organisation;
  admin = new TestClient(server.url);
  const signedIn = await admin.submit('/sign-in', '/sign-in', {
    email: 'admin@valmora.example',
    password: 'demo-password-123',
  });
  assert.equal(signedIn.status, 303);
  const parks = await server.ctx.db
    .selectFrom('core_user')
    .select('id')
    .where('email', '=', 'parks@valmora.example')
    .executeTakeFirstOrThrow();
  officer = (await findViewer(server.ctx.db, city.id, parks.id)) as Viewer;
  await runOnce(server.ctx); // the demo's own events (before any subscription) are passed over
});

after(async () => {
  await server.close();
  await receiver.close();
});

/**
 * Runs the job until every event recorded is past the cursor: on a PostgreSQL server shared with other
 * work, a writing transaction elsewhere on the cluster holds the reading back for a moment (never loses).
 */
async function runWebhooks(ctx: typeof server.ctx): Promise<{ events: number; attempts: number }> {
  const total = { events: 0, attempts: 0 };
  for (let round = 0; round < 120; round++) {
    const ran = await runOnce(ctx);
    total.events += ran.events;
    total.attempts += ran.attempts;
    const unread = await sql<{ count: string }>`
      select count(*) as count from core_event e
      where e.organisation_id = ${city.id}
        and not exists (select 1 from webhooks_cursor c where c.organisation_id = e.organisation_id and (e.tx, e.id) <= (c.tx, c.event_id))`.execute(
      ctx.db,
    );
    if (Number(unread.rows[0]?.count) === 0) return total;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('events stayed unread for 30 s');
}

/** Subscribes a new path of the receiver through the pages; answers the id, the path and the secret shown. */
async function subscribe(events: string[]): Promise<{ id: number; path: string; secret: string }> {
  const path = `/hook/${++hooks}`;
  const { csrf } = await admin.page('/admin/webhooks/new');
  const body = new URLSearchParams({ _csrf: csrf, url: `${receiver.url}${path}`, description: `hook ${hooks}` });
  for (const event of events) body.append('events', event);
  const response = await admin.request('POST', '/admin/webhooks', {
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(response.status, 303, await response.text());
  const id = Number(/\/admin\/webhooks\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
  return { id, path, secret: await secretOf(id) };
}

async function secretOf(id: number): Promise<string> {
  const { html } = await admin.page(`/admin/webhooks/${id}`);
  const secret = /id="signing-secret">(whsec_[A-Za-z0-9+/=]+)</.exec(html)?.[1];
  assert.ok(secret, 'the subscription page shows the signing secret');
  return secret;
}

/** Verifies a received request with the official package; answers the payload it accepted. */
function verify(
  secret: string,
  request: ReceivedWebhook,
): { type: string; version: number; timestamp: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(request.body, request.headers) as never;
}

async function deliveriesOf(subscriptionId: number) {
  return server.ctx.db
    .selectFrom('webhooks_delivery')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('id')
    .execute();
}

/** Makes every waiting delivery of a subscription due now (the schedule's next step has "passed"). */
async function makeDue(subscriptionId: number, step?: number): Promise<void> {
  await server.ctx.db
    .updateTable('webhooks_delivery')
    .set({ next_attempt_at: new Date(Date.now() - 1000), ...(step === undefined ? {} : { retry_step: step }) })
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .execute();
}

describe('delivery', () => {
  test('a new report and its status change reach the receiver, signed as the standardwebhooks package verifies', async () => {
    const hook = await subscribe(['report.created', 'report.updated']);
    const outcome = await submitReport(server.ctx, city, {
      categoryCode: 'graffiti',
      lat: 44.104,
      lng: 9.812,
      description: 'Tags on the old wash-house, written by someone@example.org.',
      authorName: 'Private Person',
      authorEmail: 'private.person@example.org',
      source: 'web',
    });
    assert.ok('ok' in outcome, JSON.stringify(outcome));
    await changeReportStatus(server.ctx, officer, outcome.id, { status: 'in_progress', publicText: 'Booked.' });
    const ran = await runWebhooks(server.ctx);
    assert.ok(ran.attempts >= 2);
    const got = receiver.at(hook.path);
    assert.equal(got.length, 2);
    const [created, updated] = got.map((request) => verify(hook.secret, request));
    assert.equal(created?.type, 'report.created');
    assert.equal(created.version, 1);
    assert.equal(created.data.id, outcome.id);
    assert.equal(created.data.url, `http://localhost:3000/reports/${outcome.id}`);
    assert.ok(!Number.isNaN(Date.parse(created.timestamp)));
    assert.deepEqual(updated?.data, {
      id: outcome.id,
      path: `/reports/${outcome.id}`,
      change: 'status',
      status: 'in_progress',
      url: `http://localhost:3000/reports/${outcome.id}`,
    });
    // public fields only: nothing the resident typed or is called
    for (const request of got) assert.doesNotMatch(request.body, /example\.org|Private Person|wash-house/);
    // every payload's data matches the schema its module declared
    for (const payload of [created, updated]) {
      const declared = server.ctx.registry.events.find((event) => event.type === payload.type);
      const { url: _url, ...data } = payload.data;
      assert.ok(declared && Value.Check(declared.data, data), `${payload.type} matches its declared schema`);
    }
    // headers of the specification; a receiver with another secret refuses the message
    const first = got[0] as ReceivedWebhook;
    assert.match(first.headers['webhook-id'] ?? '', /^msg_\d+$/);
    assert.match(first.headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/]+=*$/);
    assert.throws(() => verify(`whsec_${Buffer.alloc(24, 7).toString('base64')}`, first));
    // the log shows them delivered, with the receiver's answer and the time it took
    const log = await deliveriesOf(hook.id);
    assert.deepEqual(
      log.map((d) => [d.status, d.last_status, d.attempts]),
      [
        ['succeeded', 200, 1],
        ['succeeded', 200, 1],
      ],
    );
    assert.ok(log.every((d) => typeof d.last_duration_ms === 'number'));
    // a second run sends nothing again
    await runWebhooks(server.ctx);
    assert.equal(receiver.at(hook.path).length, 2);
  });

  test('only the event types subscribed to are sent, and an event rolled back is never sent', async () => {
    const hook = await subscribe(['proposal.answered']);
    await recordEvent(server.ctx.db, city.id, 'report.created', {
      id: 1,
      path: '/reports/1',
      categoryId: 1,
      districtId: null,
    });
    await assert.rejects(
      server.ctx.db.transaction().execute(async (tx) => {
        await recordEvent(tx, city.id, 'proposal.answered', {
          id: 9,
          path: '/proposals/9',
          processId: 1,
          answer: 'accepted',
        });
        throw new Error('the change fails');
      }),
    );
    await recordEvent(server.ctx.db, city.id, 'proposal.answered', {
      id: 10,
      path: '/proposals/10',
      processId: 1,
      answer: 'rejected',
    });
    await runWebhooks(server.ctx);
    const got = receiver.at(hook.path).map((request) => verify(hook.secret, request));
    assert.deepEqual(
      got.map((payload) => [payload.type, payload.data.id]),
      [['proposal.answered', 10]],
    );
  });

  test('a failing receiver is retried on the schedule with the same webhook-id, and the log keeps each attempt', async () => {
    const hook = await subscribe(['post.published']);
    receiver.answer(hook.path, 503);
    await recordEvent(server.ctx.db, city.id, 'post.published', { id: 5, path: '/news', languages: ['en'] });
    const before = Date.now();
    await runWebhooks(server.ctx);
    let [delivery] = await deliveriesOf(hook.id);
    assert.equal(delivery?.status, 'pending');
    assert.equal(delivery.last_status, 503);
    // the first retry in 5 s, ± 20 % jitter
    const [firstRetry = Number.NaN] = RETRY_SCHEDULE_MS;
    const wait = delivery.next_attempt_at.getTime() - before;
    assert.ok(wait >= firstRetry * 0.8 - 1000 && wait <= firstRetry * 1.2 + 1000, `waits ${wait} ms`);
    // not due yet: nothing is sent
    await runWebhooks(server.ctx);
    assert.equal(receiver.at(hook.path).length, 1);
    receiver.answer(hook.path, 204);
    await makeDue(hook.id);
    await runWebhooks(server.ctx);
    [delivery] = await deliveriesOf(hook.id);
    assert.equal(delivery?.status, 'succeeded');
    assert.equal(delivery.attempts, 2);
    const got = receiver.at(hook.path);
    assert.equal(got.length, 2);
    assert.equal(got[0]?.headers['webhook-id'], got[1]?.headers['webhook-id']);
    for (const request of got) verify(hook.secret, request);
    const page = await admin.page(`/admin/webhooks/${hook.id}/deliveries/${delivery.id}`);
    assert.equal(page.response.status, 200);
    assert.match(page.html, /503/);
    assert.match(page.html, /204/);
  });

  test('after the whole schedule fails, the subscription pauses, its owner is mailed, and resuming sends what waited', async () => {
    const hook = await subscribe(['dataset.changed']);
    receiver.answer(hook.path, 500);
    await recordEvent(server.ctx.db, city.id, 'dataset.changed', {
      id: 'reports',
      path: '/open-data/reports',
      modified: new Date().toISOString(),
    });
    await runWebhooks(server.ctx);
    await makeDue(hook.id, RETRY_SCHEDULE_MS.length); // the last step of the schedule
    await runWebhooks(server.ctx);
    const [failed] = await deliveriesOf(hook.id);
    assert.equal(failed?.status, 'failed');
    const subscription = await server.ctx.db
      .selectFrom('webhooks_subscription')
      .select(['status', 'pause_reason'])
      .where('id', '=', hook.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(subscription, { status: 'paused', pause_reason: 'failing' });
    const mail = await server.ctx.db
      .selectFrom('core_mail')
      .select(['subject', 'text_body'])
      .where('to_address', '=', 'admin@valmora.example')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.match(mail.text_body, new RegExp(`${receiver.url}${hook.path}`));
    assert.match(mail.text_body, new RegExp(`/admin/webhooks/${hook.id}`));
    // paused: new events wait, nothing is sent
    const sent = receiver.at(hook.path).length;
    await recordEvent(server.ctx.db, city.id, 'dataset.changed', {
      id: 'budgets',
      path: '/open-data/budgets',
      modified: new Date().toISOString(),
    });
    await runWebhooks(server.ctx);
    assert.equal(receiver.at(hook.path).length, sent);
    // the receiver is fixed; resuming sends the waiting event, and the failed one is sent again on request
    receiver.answer(hook.path, 200);
    assert.equal(
      (await admin.submit(`/admin/webhooks/${hook.id}`, `/admin/webhooks/${hook.id}/resume`, {})).status,
      303,
    );
    await runWebhooks(server.ctx);
    assert.deepEqual(
      receiver
        .at(hook.path)
        .slice(sent)
        .map((request) => verify(hook.secret, request).data.id),
      ['budgets'],
    );
    const redo = await admin.submit(
      `/admin/webhooks/${hook.id}`,
      `/admin/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`,
      {},
    );
    assert.equal(redo.status, 303);
    await runWebhooks(server.ctx);
    const last = receiver.at(hook.path).at(-1) as ReceivedWebhook;
    assert.equal(verify(hook.secret, last).data.id, 'reports');
    assert.equal(last.headers['webhook-id'], `msg_${/msg_(\d+)/.exec(failed.message_id)?.[1]}`);
    // a delivery still waiting cannot be asked again
    await recordEvent(server.ctx.db, city.id, 'dataset.changed', {
      id: 'x',
      path: '/open-data/x',
      modified: new Date().toISOString(),
    });
    receiver.answer(hook.path, 500);
    await runWebhooks(server.ctx);
    const waiting = (await deliveriesOf(hook.id)).at(-1);
    assert.equal(waiting?.status, 'pending');
    const refused = await admin.submit(
      `/admin/webhooks/${hook.id}`,
      `/admin/webhooks/${hook.id}/deliveries/${waiting.id}/redeliver`,
      {},
    );
    assert.equal(refused.status, 409);
  });

  test('rotation: both secrets sign during the overlap, then only the new one', async () => {
    const hook = await subscribe(['post.published']);
    const rotated = await admin.submit(`/admin/webhooks/${hook.id}`, `/admin/webhooks/${hook.id}/rotate`, {});
    assert.equal(rotated.status, 303);
    const fresh = await secretOf(hook.id);
    assert.notEqual(fresh, hook.secret);
    await recordEvent(server.ctx.db, city.id, 'post.published', { id: 6, path: '/news', languages: ['en'] });
    await runWebhooks(server.ctx);
    const during = receiver.at(hook.path).at(-1) as ReceivedWebhook;
    assert.equal(during.headers['webhook-signature']?.split(' ').length, 2);
    verify(hook.secret, during); // a receiver still on the old secret
    verify(fresh, during); // and one already on the new
    await server.ctx.db
      .updateTable('webhooks_subscription')
      .set({ previous_secret_until: new Date(Date.now() - 1000) })
      .where('id', '=', hook.id)
      .execute();
    await recordEvent(server.ctx.db, city.id, 'post.published', { id: 7, path: '/news', languages: ['en'] });
    await runWebhooks(server.ctx);
    const afterwards = receiver.at(hook.path).at(-1) as ReceivedWebhook;
    assert.equal(afterwards.headers['webhook-signature']?.split(' ').length, 1);
    verify(fresh, afterwards);
    assert.throws(() => verify(hook.secret, afterwards));
  });
});

describe('the outbound guard', () => {
  test('a private address is refused when subscribing, and at sending time when it became one', async () => {
    const { csrf } = await admin.page('/admin/webhooks/new');
    const refused = await admin.postForm('/admin/webhooks', {
      _csrf: csrf,
      url: 'http://10.1.2.3/hook',
      description: '',
      events: 'report.created',
    });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /private network/);
    // an allowed address changed afterwards to one the guard refuses (another port of the loopback)
    const hook = await subscribe(['post.published']);
    await server.ctx.db
      .updateTable('webhooks_subscription')
      .set({ url: 'http://127.0.0.1:9/hook' })
      .where('id', '=', hook.id)
      .execute();
    await recordEvent(server.ctx.db, city.id, 'post.published', { id: 8, path: '/news', languages: ['en'] });
    await runWebhooks(server.ctx);
    const [delivery] = await deliveriesOf(hook.id);
    assert.equal(delivery?.status, 'pending');
    assert.equal(delivery.last_error, 'OUTBOUND_ADDRESS_REFUSED');
    assert.equal(delivery.last_status, null);
  });
});

describe('bad input', () => {
  test('the form answers each problem beside its field, never a server error', async () => {
    const cases: Array<[Record<string, string | string[]>, RegExp]> = [
      [{ url: '', events: 'report.created' }, /Enter the address that receives the events/],
      [{ url: 'ftp://example.org/x', events: 'report.created' }, /Enter an http or https address/],
      [{ url: 'https://user:pw@example.org/x', events: 'report.created' }, /Enter an http or https address/],
      [{ url: 'not a url', events: 'report.created' }, /Enter an http or https address/],
      [{ url: `https://example.org/${'a'.repeat(2100)}`, events: 'report.created' }, /The address is too long/],
      [{ url: `${receiver.url}/x` }, /Choose at least one event/],
      [{ url: `${receiver.url}/x`, events: 'no.such.event' }, /Choose at least one event/],
      [{ url: `${receiver.url}/x`, events: ['report.created', 'x'.repeat(200)] }, /Choose at least one event/],
      [{ url: `${receiver.url}/x`, description: 'd'.repeat(400), events: 'report.created' }, /The note is too long/],
    ];
    for (const [fields, message] of cases) {
      const { csrf } = await admin.page('/admin/webhooks/new');
      const body = new URLSearchParams({ _csrf: csrf });
      for (const [name, value] of Object.entries(fields))
        for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
      const response = await admin.request('POST', '/admin/webhooks', {
        body: body.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(response.status, 400, JSON.stringify(fields).slice(0, 80));
      assert.match(await response.text(), message);
    }
  });

  test('unknown ids are 404, other roles are refused, forms without a CSRF token are refused', async () => {
    for (const path of [
      '/admin/webhooks/0',
      '/admin/webhooks/abc',
      '/admin/webhooks/999999',
      '/admin/webhooks/1/deliveries/abc',
      '/admin/webhooks/1/deliveries/99999999999',
    ])
      assert.equal((await admin.get(path)).status, 404, path);
    const { client: staff } = await signedInClient(server, { role: 'staff' });
    assert.equal((await staff.get('/admin/webhooks')).status, 403);
    const anonymous = new TestClient(server.url);
    assert.ok([302, 303, 401].includes((await anonymous.get('/admin/webhooks')).status));
    const noToken = await admin.postForm('/admin/webhooks', { url: `${receiver.url}/x`, events: 'report.created' });
    assert.equal(noToken.status, 403);
    // another city's subscription does not exist here
    const other = await server.organisations.insert({
      slug: 'elsewhere',
      name: { en: 'Elsewhere' },
      hosts: ['elsewhere.test'],
      languages: ['en'],
      defaultLanguage: 'en',
      map: { lat: 0, lng: 0 },
    });
    const foreign = await server.ctx.db
      .insertInto('webhooks_subscription')
      .values({
        organisation_id: other.id,
        url: 'https://example.org/',
        event_types: ['post.published'],
        secret_sealed: 'v1.x',
        owner_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.equal((await admin.get(`/admin/webhooks/${foreign.id}`)).status, 404);
    assert.equal((await admin.submit('/admin/webhooks', `/admin/webhooks/${foreign.id}/rotate`, {})).status, 404);
  });

  test('a secret sealed under another SECRET_KEY: the page says so, nothing is sent unsigned, no server error', async () => {
    const hook = await subscribe(['post.published']);
    await server.ctx.db
      .updateTable('webhooks_subscription')
      .set({ secret_sealed: 'v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })
      .where('id', '=', hook.id)
      .execute();
    const page = await admin.page(`/admin/webhooks/${hook.id}`);
    assert.equal(page.response.status, 200);
    assert.match(page.html, /cannot be read/);
    assert.doesNotMatch(page.html, /signing-secret/);
    await recordEvent(server.ctx.db, city.id, 'post.published', { id: 11, path: '/news', languages: ['en'] });
    await runWebhooks(server.ctx);
    assert.equal(receiver.at(hook.path).length, 0);
    const [delivery] = await deliveriesOf(hook.id);
    assert.equal(delivery?.last_error, 'SECRET_UNREADABLE');
  });
});
