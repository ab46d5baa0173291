import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { changeReportStatus, submitReport } from '../../src/modules/reports/index.ts';
import { followReport } from '../../src/modules/reports/subscriptions.repository.ts';
import { NOTIFY_JOB } from '../../src/modules/reports/subscriptions.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Report notifications as a mail program sees them: received by a real SMTP server, read by mailparser,
// and stopped with the one-click POST of RFC 8058 (no cookie, no CSRF token).
const received: string[] = [];
let smtp: SMTPServer;
let server: TestServer;
let city: Organisation;

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (data += chunk));
      stream.on('end', () => {
        received.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as { port: number }).port;
  server = await startTestServer({ demo: true, env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  city = (await server.organisations.findAll())[0] as Organisation;
});
after(async () => {
  await server.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

test('a notification carries List-Unsubscribe with one-click, and the one-click POST stops the mails', async () => {
  const outcome = await submitReport(server.ctx, city, {
    categoryCode: 'graffiti',
    lat: 44.104,
    lng: 9.812,
    description: 'Tags on the old wash-house.',
    source: 'web',
  });
  assert.ok('ok' in outcome, JSON.stringify(outcome));
  const follower = 'neighbour@example.org';
  await followReport(server.ctx.db, city.id, outcome.id, { email: follower });
  const parks = await server.ctx.db
    .selectFrom('core_user')
    .select('id')
    .where('email', '=', 'parks@valmora.example')
    .executeTakeFirstOrThrow();
  const officer = (await findViewer(server.ctx.db, city.id, parks.id)) as Viewer;
  await changeReportStatus(server.ctx, officer, outcome.id, { status: 'in_progress', publicText: 'Booked.' });
  await server.ctx.jobs.enqueue(NOTIFY_JOB, {});
  for (let round = 0; round < 5 && !received.some((data) => data.includes(follower)); round++)
    await server.ctx.jobs.runDue();
  const raw = received.find((data) => data.includes(follower));
  assert.ok(raw, 'the notification was delivered');
  const mail = await simpleParser(raw);
  assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
  const postLine = mail.headerLines.find((line) => line.key === 'list-unsubscribe-post')?.line;
  assert.equal(postLine, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  // mailparser folds the List-* fields into one object (RFC 2369 names without the prefix)
  const list = mail.headers.get('list') as { unsubscribe?: { url?: string } } | undefined;
  const url = list?.unsubscribe?.url ?? '';
  assert.match(url, /^http:\/\/localhost:3000\/reports\/unsubscribe\/one-click\?token=[\w-]+$/);

  // what a mail program does (RFC 8058 §3.1): a POST with that body, no cookie
  const target = new URL(url);
  const oneClick = await fetch(`${server.url}${target.pathname}${target.search}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(oneClick.status, 200);
  const left = await server.ctx.db
    .selectFrom('reports_subscription')
    .select('id')
    .where('report_id', '=', outcome.id)
    .where('email', '=', follower)
    .execute();
  assert.equal(left.length, 0, 'the subscription is gone');
  const again = await fetch(`${server.url}${target.pathname}${target.search}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(again.status, 200, 'a used token gets the same answer: nothing to probe');
  const page = await fetch(`${server.url}${target.pathname}${target.search}`);
  assert.equal(page.status, 200, 'opened in a browser, the address shows a page');
});
