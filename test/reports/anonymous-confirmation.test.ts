import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { changeReportStatus, submitReport } from '../../src/modules/reports/index.ts';
import { findOpenReportsNearby } from '../../src/modules/reports/nearby-reports.repository.ts';
import { NOTIFY_JOB, notifySubscribers } from '../../src/modules/reports/subscriptions.ts';
import { followReport } from '../../src/modules/reports/subscriptions.repository.ts';
import { TestClient } from '../support/client.ts';
import { confirmByMail, mailedLink } from '../support/confirmation.ts';
import { buildUser, lastMailTo } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Residents who are not signed in: a report from the web form is published only when the address given
 * with it confirms it (a mailed link opening a page whose button confirms), reports are limited per
 * address, and "me too" by address is mailed nothing until the address confirms (double opt-in).
 */

let server: TestServer;
let city: Organisation;
let roadsOfficer: Viewer;
let admin: TestClient;

before(async () => {
  server = await startTestServer({ demo: true });
  city = (await server.organisations.findAll())[0] as Organisation;
  const roads = await server.ctx.db
    .selectFrom('core_user')
    .select('id')
    .where('email', '=', 'roads@valmora.example')
    .executeTakeFirstOrThrow();
  roadsOfficer = (await findViewer(server.ctx.db, city.id, roads.id)) as Viewer;
  admin = new TestClient(server.url);
  const signedIn = await admin.submit('/sign-in', '/sign-in', {
    email: 'admin@valmora.example',
    password: 'demo-password-123',
  });
  assert.equal(signedIn.status, 303);
});
after(() => server.close());

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Posts the report form as multipart/form-data, as a browser does, with the client's cookies. */
async function postReport(
  client: TestClient,
  fields: Record<string, string>,
  photos: Uint8Array[] = [],
): Promise<Response> {
  const { csrf } = await client.page('/reports/new');
  const form = new FormData();
  form.append('_csrf', csrf);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const photo of photos) form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'p.png');
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return fetch(new URL('/reports', client.baseUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
}

/** A place in the demo city with no open report of `category` within 300 m. */
async function quietPlace(category: string, nudge: number): Promise<{ lat: number; lng: number }> {
  const row = await server.ctx.db
    .selectFrom('reports_category')
    .select('id')
    .where('code', '=', category)
    .executeTakeFirstOrThrow();
  for (let i = 0; i < 200; i++) {
    const lat = Number((city.map.lat - 0.015 + ((i * 7 + nudge) % 20) * 0.0015).toFixed(6));
    const lng = Number((city.map.lng - 0.03 + ((i * 3 + nudge) % 30) * 0.002).toFixed(6));
    if ((await findOpenReportsNearby(server.ctx.db, city.id, row.id, lat, lng, 300)).length === 0) return { lat, lng };
  }
  throw new Error('no quiet place found');
}

async function reportCount(): Promise<number> {
  const row = await server.ctx.db
    .selectFrom('reports_report')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function mailsTo(address: string): Promise<Array<{ subject: string; text_body: string }>> {
  return server.ctx.db
    .selectFrom('core_mail')
    .select(['subject', 'text_body'])
    .where('to_address', '=', address)
    .orderBy('id')
    .execute();
}

/** Where a report's text can be seen: the list, the Atom feed, Open311 and the staff queue. */
async function surfacesShowing(text: string): Promise<string[]> {
  const anonymous = new TestClient(server.url);
  const query = encodeURIComponent(text);
  const found: string[] = [];
  if ((await (await anonymous.get('/reports')).text()).includes(text)) found.push('/reports');
  if ((await (await anonymous.get('/reports/feed.atom')).text()).includes(text)) found.push('/reports/feed.atom');
  const open311 = (await (await anonymous.get('/open311/v2/requests.json')).json()) as Array<{ description: string }>;
  if (open311.some((request) => request.description === text)) found.push('/open311/v2/requests.json');
  // the search field repeats the query: the report is found when it is a row of the queue
  if ((await (await admin.get(`/staff/reports?q=${query}`)).text()).includes(`>${text}</a>`))
    found.push('/staff/reports');
  return found;
}

async function runNotifications(): Promise<void> {
  await server.ctx.jobs.enqueue(NOTIFY_JOB, {});
  await server.ctx.jobs.runDue();
}

describe('an anonymous report waits for its address', () => {
  test('is not public until confirmed; the link only opens a page, its button publishes the report with its photo', async () => {
    const client = new TestClient(server.url);
    const place = await quietPlace('graffiti', 23);
    const description = `Unconfirmed graffiti ${Date.now()}`;
    const before = await reportCount();
    const response = await postReport(
      client,
      {
        category: 'graffiti',
        lat: String(place.lat),
        lng: String(place.lng),
        description,
        email: 'Waiting.Reporter@example.org',
        name: 'Wanda',
        showName: 'no',
      },
      [PNG],
    );
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/reports/check-mail');
    const notice = await client.page('/reports/check-mail');
    assert.equal(notice.response.status, 200);
    assert.match(notice.html, /Check your mailbox/);

    assert.equal(await reportCount(), before, 'no report is stored');
    assert.deepEqual(await surfacesShowing(description), [], 'nor shown anywhere');
    const mail = await lastMailTo(server, 'waiting.reporter@example.org');
    assert.ok(mail);
    assert.match(mail.subject, /Confirm your report/);
    assert.doesNotMatch(mail.text_body, /Unconfirmed graffiti/, 'the mail carries no text the sender typed');

    // a mail scanner (or the resident) opening the link confirms nothing
    const link = await mailedLink(server, 'waiting.reporter@example.org');
    const scanner = new TestClient(server.url);
    const opened = await scanner.page(link);
    assert.equal(opened.response.status, 200);
    assert.match(opened.html, /<form method="post" action="\/reports\/confirm">/);
    await scanner.get(link);
    assert.equal(await reportCount(), before, 'opening the link twice stored nothing');

    // the photos of a report waiting for its confirmation are kept by the clean-up
    await server.ctx.db
      .updateTable('reports_photo')
      .set({ created_at: new Date(Date.now() - 2 * 86_400_000) } as never)
      .where('report_id', 'is', null)
      .where('pending_token', 'is not', null)
      .execute();
    await notifySubscribers(server.ctx);

    const confirmed = await confirmByMail(server, client, 'waiting.reporter@example.org');
    assert.equal(confirmed.status, 303);
    const id = Number(/^\/reports\/(\d+)$/.exec(confirmed.headers.get('location') ?? '')?.[1]);
    assert.ok(id > 0, 'the button leads to the new report');
    assert.equal(await reportCount(), before + 1);
    const page = await client.page(`/reports/${id}`);
    assert.match(page.html, /your report is confirmed and published/);
    assert.match(page.html, new RegExp(`<img src="/reports/${id}/photos/\\d+"`), 'with its photo');
    assert.doesNotMatch(page.html, /waiting\.reporter/i, 'the address is never shown');
    const row = await server.ctx.db
      .selectFrom('reports_report')
      .select(['author_email', 'author_id', 'source'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { author_email: 'waiting.reporter@example.org', author_id: null, source: 'web' });
    assert.deepEqual(
      (await surfacesShowing(description)).sort(),
      ['/open311/v2/requests.json', '/reports', '/reports/feed.atom', '/staff/reports'],
      'now it is shown everywhere',
    );
    const follows = await server.ctx.db
      .selectFrom('reports_subscription')
      .select(['confirmed_at'])
      .where('report_id', '=', id)
      .where('email', '=', 'waiting.reporter@example.org')
      .execute();
    assert.equal(follows.length, 1, 'the address follows its report');
    assert.notEqual(follows[0]?.confirmed_at, null, 'confirmed: the address has just shown it is theirs');

    // the same link again: refused, with a clear page and no second report
    const token = /token=([\w-]+)/.exec(link)?.[1] ?? '';
    const again = await client.postForm('/reports/confirm', { _csrf: page.csrf, token });
    assert.equal(again.status, 400);
    assert.match(await again.text(), /already been used/);
    assert.equal((await client.get(link)).status, 400);
    assert.equal(await reportCount(), before + 1);
  });

  test('an unknown, malformed or expired link gives a clear page, and the job removes what expired', async () => {
    const client = new TestClient(server.url);
    const place = await quietPlace('litter', 29);
    const response = await postReport(
      client,
      {
        category: 'litter',
        lat: String(place.lat),
        lng: String(place.lng),
        description: 'Bags by the bench.',
        email: 'late@example.org',
      },
      [PNG],
    );
    assert.equal(response.status, 303);
    const link = await mailedLink(server, 'late@example.org');
    const token = /token=([\w-]+)/.exec(link)?.[1] ?? '';
    const pending = await server.ctx.db
      .selectFrom('reports_pending_report')
      .select(['id', 'photo_token'])
      .where('email', '=', 'late@example.org')
      .executeTakeFirstOrThrow();
    assert.ok(pending.photo_token, 'its photo waits with it');
    await server.ctx.db
      .updateTable('reports_pending_report')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', pending.id)
      .execute();

    const { csrf } = await client.page('/reports/new');
    for (const bad of [
      link,
      '/reports/confirm?token=nonsense',
      '/reports/confirm',
      `/reports/confirm?token=${'A'.repeat(43)}`,
    ]) {
      const page = await client.get(bad);
      assert.equal(page.status, 400, bad);
      assert.match(await page.text(), /This link does not work/);
    }
    for (const bad of [token, 'nonsense', '']) {
      const posted = await client.postForm('/reports/confirm', { _csrf: csrf, token: bad });
      assert.equal(posted.status, 400, `POST with ${bad || 'no token'}`);
    }

    await server.ctx.db
      .updateTable('reports_photo')
      .set({ created_at: new Date(Date.now() - 2 * 86_400_000) } as never)
      .where('pending_token', '=', pending.photo_token)
      .execute();
    await notifySubscribers(server.ctx);
    const left = await server.ctx.db
      .selectFrom('reports_pending_report')
      .select('id')
      .where('id', '=', pending.id)
      .execute();
    assert.equal(left.length, 0, 'the expired report is removed');
    const photos = await server.ctx.db
      .selectFrom('reports_photo')
      .select('id')
      .where('pending_token', '=', pending.photo_token)
      .execute();
    assert.equal(photos.length, 0, 'and its photo');
  });

  test('the sixth report from one address within the hour is refused with 429, the form kept', async () => {
    const place = await quietPlace('streetlight', 31);
    let address = '';
    let sixth: Response | undefined;
    // the limit counts fixed hours: if an hour ends during the loop, try again with another address
    for (let attempt = 0; attempt < 2 && !sixth; attempt++) {
      const hour = Math.floor(Date.now() / 3_600_000);
      address = `busy${attempt}-${Date.now()}@example.org`;
      const responses: Response[] = [];
      for (let n = 1; n <= 6; n++) {
        // a new visitor each time: the limit is on the address, not on a session
        responses.push(
          await postReport(new TestClient(server.url), {
            category: 'streetlight',
            lat: String(place.lat),
            lng: String(place.lng),
            description: `Lamp out, message ${n}.`,
            email: address.toUpperCase(),
          }),
        );
      }
      if (Math.floor(Date.now() / 3_600_000) !== hour) continue;
      assert.deepEqual(
        responses.slice(0, 5).map((r) => r.status),
        [303, 303, 303, 303, 303],
      );
      sixth = responses[5];
    }
    assert.ok(sixth);
    assert.equal(sixth.status, 429);
    assert.ok(Number(sixth.headers.get('retry-after')) > 0);
    const page = await sixth.text();
    assert.match(page, /Too many reports have been sent from this e-mail address/);
    assert.match(page, /Lamp out, message 6\.<\/textarea>/, 'what was typed is kept');
    assert.match(page, /<option value="streetlight" selected>/);
    assert.equal((await mailsTo(address)).length, 5, 'five confirmation mails, not six');
    const held = await server.ctx.db
      .selectFrom('reports_pending_report')
      .select('id')
      .where('email', '=', address)
      .execute();
    assert.equal(held.length, 5);
  });

  test('after the similar reports, “send my report” holds it with the photo chosen before', async () => {
    const place = await quietPlace('tree', 41);
    const existing = await submitReport(server.ctx, city, {
      categoryCode: 'tree',
      lat: place.lat,
      lng: place.lng,
      description: 'Branch on the path.',
      answers: { blocking: 'no' },
      source: 'web',
    });
    assert.ok('ok' in existing);
    const client = new TestClient(server.url);
    const step = await postReport(
      client,
      {
        category: 'tree',
        lat: String(place.lat),
        lng: String(place.lng + 0.0005),
        'answer.tree.blocking': 'yes',
        description: 'Trunk split in two.',
        email: 'similar@example.org',
      },
      [PNG],
    );
    assert.equal(step.status, 200);
    const page = await step.text();
    assert.match(page, /Is it one of these\?/);
    const form = page.slice(page.lastIndexOf('action="/reports"'));
    const fields = Object.fromEntries(
      [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    assert.ok(fields.pendingPhotos, 'the photo waits under a token');
    const before = await reportCount();
    const sent = await client.postForm('/reports', fields);
    assert.equal(sent.status, 303);
    assert.equal(sent.headers.get('location'), '/reports/check-mail');
    assert.equal(await reportCount(), before);
    const confirmed = await confirmByMail(server, client, 'similar@example.org');
    const id = Number(/^\/reports\/(\d+)$/.exec(confirmed.headers.get('location') ?? '')?.[1]);
    assert.ok(id > 0);
    const photos = await server.ctx.db.selectFrom('reports_photo').select('id').where('report_id', '=', id).execute();
    assert.equal(photos.length, 1, 'the photo chosen before the similar reports is attached');
    const report = await server.ctx.db
      .selectFrom('reports_report')
      .select(['description', 'answers'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(report.description, 'Trunk split in two.');
    assert.deepEqual(typeof report.answers === 'string' ? JSON.parse(report.answers) : report.answers, {
      blocking: 'yes',
    });
  });

  test('a signed-in resident’s report is still published at once', async () => {
    const user = await buildUser(server);
    const client = new TestClient(server.url);
    await client.submit('/sign-in', '/sign-in', { email: user.email, password: user.password });
    const place = await quietPlace('graffiti', 37);
    const response = await postReport(client, {
      category: 'graffiti',
      lat: String(place.lat),
      lng: String(place.lng),
      description: 'Tags on the post office.',
    });
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', /^\/reports\/\d+$/);
  });
});

describe('"me too" by e-mail address', () => {
  test('mails nothing about the report until the address confirms, then does; confirming twice changes nothing', async () => {
    const author = await buildUser(server);
    const outcome = await submitReport(server.ctx, city, {
      categoryCode: 'pothole',
      lat: city.map.lat + 0.004,
      lng: city.map.lng - 0.006,
      description: 'Hole at the crossing.',
      answers: { location_type: 'street' },
      source: 'web',
      authorId: author.id,
      afterInsert: (tx, reportId) => followReport(tx, city.id, reportId, { userId: author.id }),
    });
    assert.ok('ok' in outcome);
    const id = outcome.id;
    const address = 'me.too@example.org';
    const neighbour = new TestClient(server.url);
    const reportPage = await neighbour.page(`/reports/${id}`);
    const meToo = await neighbour.postForm(`/reports/${id}/me-too`, {
      _csrf: reportPage.csrf,
      email: 'Me.Too@example.org',
    });
    assert.equal(meToo.status, 303);
    assert.equal(meToo.headers.get('location'), `/reports/${id}`);
    assert.match((await neighbour.page(`/reports/${id}`)).html, /Check your mailbox/);
    const confirmation = await lastMailTo(server, address);
    assert.match(confirmation?.subject ?? '', new RegExp(`follow report #${id}`));
    assert.match(
      (await neighbour.page(`/reports/${id}`)).html,
      /1 person follows this report/,
      'only the author counts',
    );

    const aboutReport = async () =>
      (await mailsTo(address)).filter((mail) => mail.subject.includes(`#${id}`) && !/Confirm/.test(mail.subject));
    await changeReportStatus(server.ctx, roadsOfficer, id, { status: 'confirmed', publicText: 'We will look.' });
    await runNotifications();
    assert.equal((await aboutReport()).length, 0, 'an unconfirmed address is mailed nothing');
    assert.ok(
      (await mailsTo(author.email)).some((mail) => mail.subject.includes(`#${id}`)),
      'while the confirmed follower is',
    );

    // opening the link confirms nothing
    const link = await mailedLink(server, address, '/reports/follow/confirm');
    assert.equal((await new TestClient(server.url).get(link)).status, 200);
    const row = () =>
      server.ctx.db
        .selectFrom('reports_subscription')
        .select(['id', 'confirmed_at'])
        .where('report_id', '=', id)
        .where('email', '=', address)
        .execute();
    assert.equal((await row())[0]?.confirmed_at, null);

    const confirmed = await confirmByMail(server, neighbour, address, '/reports/follow/confirm');
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.headers.get('location'), `/reports/${id}`);
    await changeReportStatus(server.ctx, roadsOfficer, id, { status: 'in_progress', publicText: 'Crew on the way.' });
    await runNotifications();
    const mails = await aboutReport();
    assert.equal(mails.length, 1, 'once confirmed, the address is told');
    assert.match(mails[0]?.text_body ?? '', /Crew on the way\./);

    // confirming again, or "me too" again, changes nothing and mails no new link
    const before = (await mailsTo(address)).length;
    const second = await neighbour.page(link);
    assert.equal(second.response.status, 200);
    const token = /token=([\w-]+)/.exec(link)?.[1] ?? '';
    const twice = await neighbour.postForm('/reports/follow/confirm', { _csrf: second.csrf, token });
    assert.equal(twice.status, 303);
    const again = await neighbour.page(`/reports/${id}`);
    await neighbour.postForm(`/reports/${id}/me-too`, { _csrf: again.csrf, email: address });
    assert.equal((await mailsTo(address)).length, before, 'no new confirmation mail');
    const rows = await row();
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]?.confirmed_at, null);
  });

  test('an unknown follow link gives a clear page', async () => {
    const client = new TestClient(server.url);
    const page = await client.get(`/reports/follow/confirm?token=${'B'.repeat(43)}`);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /This link does not work/);
    const { csrf } = await client.page('/reports/new');
    assert.equal((await client.postForm('/reports/follow/confirm', { _csrf: csrf, token: 'x' })).status, 400);
  });
});
