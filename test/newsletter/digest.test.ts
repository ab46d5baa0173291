import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startSmtpCatcher } from '../support/smtp-catcher.ts';
import {
  drainJobs,
  makeDigestDue,
  publishToNewsletter,
  runNewsletterJob,
  subscribeByForm,
  subscribeConfirmed,
} from './support.ts';

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let organisationId: number;
const DSN = readFileSync(new URL('../fixtures/newsletter/dsn-hard.eml', import.meta.url), 'utf8');

before(async () => {
  smtp = await startSmtpCatcher();
  server = await startTestServer({
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'Our City <no-reply@city.example>' },
    adjust: (config) => {
      config.rateLimits.publicWrite = { limit: 1000, windowSeconds: 60 };
    },
  });
  organisationId = await firstOrganisationId(server);
  await server.organisations.update(organisationId, {
    languages: ['en', 'it', 'de'],
    name: { en: 'Our City', it: 'La Città', de: 'Unsere Stadt' },
  });
});
after(async () => {
  await server.close();
  await smtp.close();
});

/** The digests (not the confirmation mails) the SMTP server received for an address. */
function digestsTo(address: string) {
  return smtp
    .to(address)
    .filter((m) => /^List-Unsubscribe-Post:/m.test(m.data) && !/alert|Warnung|allerta/i.test(m.parsed.subject ?? ''));
}

/** The one-click header fields as the mail carries them (mailparser folds List-* fields into one object). */
function listHeaders(data: string) {
  const head = data.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  return {
    unsubscribe: /^List-Unsubscribe: (.*)$/im.exec(unfolded)?.[1]?.trim(),
    post: /^List-Unsubscribe-Post: (.*)$/im.exec(unfolded)?.[1]?.trim(),
  };
}

async function subscriber(email: string) {
  return server.ctx.db.selectFrom('newsletter_subscriber').selectAll().where('email', '=', email).executeTakeFirst();
}

test('the digest: one mail per language segment, HTML and text, accessible, absolute links, one-click headers, no tracking', async () => {
  await subscribeConfirmed(server, { email: 'anna@example.org', languages: ['en'] });
  await subscribeConfirmed(server, { email: 'bruno@example.org', languages: ['it'] });
  await subscribeConfirmed(server, { email: 'clara@example.org', languages: ['en', 'it'] });
  // an address that never confirms gets nothing but its confirmation mail
  assert.equal((await subscribeByForm(server, { email: 'dora@example.org', languages: ['en'] })).status, 303);

  const en = await publishToNewsletter(server, organisationId, {
    language: 'en',
    title: 'Road works on Main Street',
    text: 'Main Street is closed from Monday.\n\nBuses take Park Lane.',
    media: [
      {
        url: 'http://localhost:3000/media/works.jpg',
        read: async () => new Uint8Array(),
        contentType: 'image/jpeg',
        alt: 'A digger on Main Street',
      },
    ],
  });
  assert.equal(en.outcome.state, 'published', 'the post is on the list');
  assert.equal(en.status.state, 'published', 'status answers from the list');
  await publishToNewsletter(server, organisationId, {
    language: 'it',
    title: 'Lavori in via Roma',
    text: 'Via Roma è chiusa.',
  });
  await publishToNewsletter(server, organisationId, {
    language: 'en',
    title: 'Library hours',
    text: 'Open until 8 pm.',
  });
  // publishing the same delivery again changes nothing
  const again = await publishToNewsletter(server, organisationId, { ...en.post, deliveryId: en.post.deliveryId });
  assert.equal(again.outcome.state, 'published');
  assert.equal(
    (
      await server.ctx.db
        .selectFrom('newsletter_item')
        .select('id')
        .where('delivery_id', '=', en.post.deliveryId)
        .execute()
    ).length,
    1,
  );

  await drainJobs(server);
  await smtp.settled();
  const before = smtp.mails.length;
  await runNewsletterJob(server);
  assert.equal(smtp.mails.length, before, 'nothing is sent before the schedule says so');

  await makeDigestDue(server, organisationId);
  await runNewsletterJob(server);
  await smtp.settled();

  const anna = digestsTo('anna@example.org');
  const bruno = digestsTo('bruno@example.org');
  const clara = digestsTo('clara@example.org');
  assert.equal(anna.length, 1, 'one English digest for Anna');
  assert.equal(bruno.length, 1, 'one Italian digest for Bruno');
  assert.equal(clara.length, 2, 'Clara reads both languages: two segments');
  assert.equal(smtp.to('dora@example.org').length, 1, 'the unconfirmed address got its confirmation mail only');

  const [mail] = anna;
  assert.ok(mail);
  const parsed = mail.parsed;
  assert.match(parsed.text ?? '', /Road works on Main Street/);
  assert.match(parsed.text ?? '', /Library hours/);
  assert.doesNotMatch(parsed.text ?? '', /Via Roma/, 'the English segment carries English posts only');
  assert.match(String(parsed.headers.get('content-type') && mail.data), /multipart\/alternative/);
  const page = String(parsed.html);
  assert.match(page, /<html lang="en">/);
  assert.match(page, /<h1[^>]*>News from Our City<\/h1>/);
  assert.match(page, /<h2[^>]*>Road works on Main Street<\/h2>/);
  assert.match(page, /<img src="http:\/\/localhost:3000\/media\/works.jpg" alt="A digger on Main Street"/);
  assert.equal((page.match(/<img /g) ?? []).length, 1, 'no tracking pixel: the only picture is the post’s');
  const hrefs = [...page.matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? '');
  assert.ok(hrefs.length >= 4);
  for (const href of hrefs)
    assert.match(href, /^http:\/\/localhost:3000\//, 'every link is absolute, on the city’s site');
  assert.ok(hrefs.includes(en.post.url), 'the post’s link is not rewritten for click counting');
  assert.match(page, /Unsubscribe<\/a>/, 'a visible unsubscribe link');

  const list = listHeaders(mail.data);
  assert.match(
    list.unsubscribe ?? '',
    /^<http:\/\/localhost:3000\/newsletter\/unsubscribe\/one-click\?token=[^>\s]+>$/,
  );
  assert.equal(list.post, 'List-Unsubscribe=One-Click', 'the header exactly as RFC 8058 writes it');

  assert.ok(bruno[0]);
  const italian = bruno[0].parsed;
  assert.match(String(italian.html), /<html lang="it">/);
  assert.match(italian.text ?? '', /Lavori in via Roma/);
  assert.doesNotMatch(italian.text ?? '', /Road works/);

  const digests = await server.ctx.db
    .selectFrom('newsletter_digest')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'digest')
    .orderBy('language')
    .execute();
  assert.deepEqual(
    digests.map((d) => [d.language, d.items, d.recipients]),
    [
      ['en', 2, 2],
      ['it', 1, 2],
    ],
  );
  // the next run finds nothing new and sends nothing
  const count = smtp.mails.length;
  await makeDigestDue(server, organisationId);
  await runNewsletterJob(server);
  await smtp.settled();
  assert.equal(smtp.mails.length, count, 'a post goes out in one digest only');
});

test('a crisis post is mailed at once, on its own, to every subscriber of its language', async () => {
  await subscribeConfirmed(server, { email: 'emil@example.org', languages: ['de'] });
  const crisis = await publishToNewsletter(server, organisationId, {
    language: 'de',
    title: 'Hochwasserwarnung',
    text: 'Bitte meiden Sie das Flussufer.',
    crisis: true,
  });
  assert.equal(crisis.outcome.state, 'published');
  const queued = await server.ctx.db
    .selectFrom('core_mail')
    .select(['subject', 'status'])
    .where('to_address', '=', 'emil@example.org')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.match(queued.subject, /Hochwasserwarnung/, 'queued when published, without waiting for the digest');
  await drainJobs(server);
  await smtp.settled();
  const got = smtp.to('emil@example.org').filter((m) => /Hochwasserwarnung/.test(m.parsed.subject ?? ''));
  assert.equal(got.length, 1);
  const [alert] = got;
  assert.ok(alert);
  assert.match(String(alert.parsed.html), /<html lang="de">/);
  assert.match(listHeaders(alert.data).unsubscribe ?? '', /one-click\?token=/);
  const item = await server.ctx.db
    .selectFrom('newsletter_item')
    .select('digest_id')
    .where('delivery_id', '=', crisis.post.deliveryId)
    .executeTakeFirstOrThrow();
  assert.notEqual(item.digest_id, null, 'the crisis post is not repeated in the next digest');
});

test('a hard bounce at send time (550 at RCPT TO) stops the mail to the address', async () => {
  await subscribeConfirmed(server, { email: 'gone@example.net', languages: ['en'] });
  smtp.refuse.add('gone@example.net');
  await publishToNewsletter(server, organisationId, { language: 'en', title: 'Bounce test', text: 'Text.' });
  await makeDigestDue(server, organisationId);
  await runNewsletterJob(server);
  const refused = await server.ctx.db
    .selectFrom('core_mail')
    .select(['status', 'error'])
    .where('to_address', '=', 'gone@example.net')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.equal(refused.status, 'failed', 'the mailer does not retry a permanent refusal');
  assert.match(refused.error ?? '', /^550/);
  await runNewsletterJob(server);
  const row = await subscriber('gone@example.net');
  assert.equal(row?.status, 'bounced');
  assert.ok(row.bounced_at);
  smtp.refuse.delete('gone@example.net');
  await publishToNewsletter(server, organisationId, { language: 'en', title: 'After the bounce', text: 'Text.' });
  await makeDigestDue(server, organisationId);
  await runNewsletterJob(server);
  await smtp.settled();
  assert.equal(digestsTo('gone@example.net').length, 0, 'a bounced address is mailed no more');
});

test('delivery status notifications (RFC 3464): a hard one bounces at once, soft ones after the third', async () => {
  const client = new TestClient(server.url);
  await subscribeConfirmed(server, { email: 'gone2@example.net', languages: ['en'] });
  await subscribeConfirmed(server, { email: 'full@example.net', languages: ['en'] });
  const overview = await (await signedInStaff('admin')).page('/admin/newsletter');
  const token = /id="bounce-token">([A-Za-z0-9_-]{43})</.exec(overview.html)?.[1];
  assert.ok(token, 'administrators see the bounce token');

  const post = (body: string, auth?: string) =>
    client.request('POST', '/newsletter/bounces', {
      body,
      headers: { 'content-type': 'message/rfc822', ...(auth ? { 'x-newsletter-bounce-token': auth } : {}) },
    });
  const anonymous = await post(DSN.replaceAll('gone@example.net', 'gone2@example.net'));
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'NEWSLETTER_BOUNCE_UNAUTHORIZED');
  const wrong = await post(DSN, 'x'.repeat(43));
  assert.equal(wrong.status, 401);

  const hard = await post(DSN.replaceAll('gone@example.net', 'gone2@example.net'), token);
  assert.equal(hard.status, 200);
  assert.deepEqual(await hard.json(), { hard: 1, soft: 0 });
  assert.equal((await subscriber('gone2@example.net'))?.status, 'bounced');

  const soft = DSN.replaceAll('gone@example.net', 'full@example.net')
    .replace('Status: 5.1.1', 'Status: 4.2.2')
    .replace('smtp; 550 5.1.1', 'smtp; 452 4.2.2');
  for (const n of [1, 2]) {
    assert.deepEqual(await (await post(soft, token)).json(), { hard: 0, soft: 1 });
    const row = await subscriber('full@example.net');
    assert.equal(row?.status, 'confirmed', `still mailed after ${n} soft bounce(s)`);
    assert.equal(row.soft_bounces, n);
  }
  await post(soft, token);
  assert.equal((await subscriber('full@example.net'))?.status, 'bounced', 'the third soft bounce stops the mail');

  const delayed = DSN.replace('Action: failed', 'Action: delayed').replace('Status: 5.1.1', 'Status: 4.4.1');
  assert.deepEqual(await (await post(delayed, token)).json(), { hard: 0, soft: 0 }, 'a delay is no bounce');

  const notDsn = await post('Subject: hello\r\n\r\nJust a mail.\r\n', token);
  assert.equal(notDsn.status, 400);
  assert.equal(((await notDsn.json()) as { error: { code: string } }).error.code, 'NEWSLETTER_BOUNCE_INVALID');
  const garbage = await post('\u0000\u0001not a mail at all', token);
  assert.equal(garbage.status, 400);
});

async function signedInStaff(role: 'staff' | 'admin') {
  const { signedInClient } = await import('../support/factories.ts');
  return (await signedInClient(server, { role })).client;
}

test('staff see counts by language, the digests sent and the next one; never the addresses', async () => {
  const staff = await signedInStaff('staff');
  const page = await staff.page('/admin/newsletter');
  assert.equal(page.response.status, 200);
  assert.match(page.html, /Subscribers by language/);
  assert.match(page.html, /Newsletters sent/);
  assert.doesNotMatch(page.html, /@example\.(org|net)/, 'no address is shown');
  assert.doesNotMatch(page.html, /Delivery reports/, 'the bounce token is for administrators');
  await publishToNewsletter(server, organisationId, { language: 'it', title: 'Anteprima', text: 'Testo.' });
  const preview = await staff.get('/admin/newsletter/preview?language=it');
  assert.equal(preview.status, 200);
  assert.match(await preview.text(), /Anteprima/);
  const unknown = await staff.get('/admin/newsletter/preview?language=xx', { accept: 'application/json' });
  assert.equal(unknown.status, 404);
  const saved = await staff.postForm('/admin/newsletter/schedule', {
    _csrf: page.csrf,
    frequency: 'weekly',
    weekday: '3',
    hour: '9',
  });
  assert.equal(saved.status, 303);
  const settings = await server.ctx.db
    .selectFrom('newsletter_settings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  assert.deepEqual([settings.frequency, settings.weekday, settings.hour], ['weekly', 3, 9]);
  const bad = await staff.postForm('/admin/newsletter/schedule', {
    _csrf: page.csrf,
    frequency: 'hourly',
    weekday: '9',
    hour: '25',
  });
  assert.equal(bad.status, 400);
  const resident = (await (await import('../support/factories.ts')).signedInClient(server)).client;
  assert.equal((await resident.get('/admin/newsletter')).status, 403);
});
