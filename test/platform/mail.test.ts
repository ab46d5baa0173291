import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { TestClient } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
}

let smtp: SMTPServer;
let smtpPort = 0;
let server: TestServer;
const received: Received[] = [];
let failNext = 0;

before(async () => {
  // a local SMTP server speaking the real protocol, with authentication, as a city's mail relay would
  smtp = new SMTPServer({
    authOptional: false,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'city' && auth.password === 'relay-secret') callback(null, { user: 'city' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (data += chunk));
      stream.on('end', () => {
        if (failNext > 0) {
          failNext--;
          const error = new Error('Mailbox temporarily unavailable') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpPort = (smtp.server.address() as { port: number }).port;
  server = await startTestServer({
    env: {
      SMTP_URL: `smtp://city:relay-secret@127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'Valmora <no-reply@valmora.example>',
    },
  });
});
after(async () => {
  await server.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

test('sends the confirmation mail through the configured SMTP server from a background job', async () => {
  const client = new TestClient(server.url);
  await client.submit('/sign-up', '/sign-up', {
    displayName: 'Mila',
    email: 'mila@example.org',
    password: 'a long enough password',
    acceptTerms: 'yes',
  });
  const queued = await server.ctx.db
    .selectFrom('core_mail')
    .selectAll()
    .where('to_address', '=', 'mila@example.org')
    .executeTakeFirstOrThrow();
  assert.equal(queued.status, 'queued');
  assert.equal(await server.ctx.jobs.runDue(), 1);
  const mail = received.find((m) => m.to.includes('mila@example.org'));
  assert.ok(mail, 'the SMTP server received the mail');
  assert.equal(mail.from, 'no-reply@valmora.example');
  assert.match(mail.data.replace(/=\r?\n/g, ''), /\/confirm\?token=/);
  const parsed = await simpleParser(mail.data);
  assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated', 'an automatic mail says so (RFC 3834)');
  assert.equal(parsed.headers.get('list-unsubscribe'), undefined, 'a confirmation is no list one leaves');
  const sent = await server.ctx.db
    .selectFrom('core_mail')
    .select(['status', 'sent_at'])
    .where('id', '=', queued.id)
    .executeTakeFirstOrThrow();
  assert.equal(sent.status, 'sent');
});

test('retries a mail the SMTP server refused for now, and never loses it', async () => {
  failNext = 1;
  const client = new TestClient(server.url);
  await client.submit('/password-reset', '/password-reset', { email: 'mila@example.org' });
  await server.ctx.jobs.runDue();
  const job = await server.ctx.db
    .selectFrom('core_job')
    .selectAll()
    .where('kind', '=', 'mail.send')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.equal(job.status, 'queued', 'the job waits for another attempt');
  assert.equal(job.attempts, 1);
  assert.match(job.last_error ?? '', /temporarily unavailable/);
  await server.ctx.db.updateTable('core_job').set({ run_at: new Date() }).where('id', '=', job.id).execute();
  await server.ctx.jobs.runDue();
  const done = await server.ctx.db
    .selectFrom('core_job')
    .select(['status', 'attempts'])
    .where('id', '=', job.id)
    .executeTakeFirstOrThrow();
  assert.equal(done.status, 'done');
  assert.equal(done.attempts, 2);
  assert.ok(
    received.some(
      (m) => m.to.includes('mila@example.org') && /password-reset\/new\?token=/.test(m.data.replace(/=\r?\n/g, '')),
    ),
  );
});
