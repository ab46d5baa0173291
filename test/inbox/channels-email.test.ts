import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { emailAdapter } from '../../src/modules/inbox/channels/email/email.ts';
import { parseMail } from '../../src/modules/inbox/channels/email/parse.ts';
import { queueReply } from '../../src/modules/inbox/replies.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { loadChannel } from '../support/inbox.ts';
import { contextAllowing, startTestServer, type TestServer } from '../support/server.ts';

const eml = (name: string) => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'inbox', 'email', name));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('e-mail channel', () => {
  let server: TestServer;
  let outgoing: SMTPServer;
  const delivered: ParsedMail[] = [];
  let inboundPort: number;
  let channelId: number;
  let organisationId: number;
  const resident = () =>
    nodemailer.createTransport({ host: 'localhost', port: inboundPort, secure: false, ignoreTLS: true });
  const count = async () =>
    Number(
      (
        await server.ctx.db
          .selectFrom('inbox_message')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('channel_id', '=', channelId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    outgoing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        void simpleParser(stream).then((mail) => {
          delivered.push(mail);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => outgoing.listen(0, '127.0.0.1', resolve));
    const outgoingAddress = outgoing.server.address();
    const outgoingPort = typeof outgoingAddress === 'object' && outgoingAddress ? outgoingAddress.port : 0;
    inboundPort = await freePort();
    server = await startTestServer({
      env: { INBOUND_SMTP_PORT: String(inboundPort) },
      allowOutbound: [`127.0.0.1:${outgoingPort}`],
    });
    organisationId = await firstOrganisationId(server);
    channelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'email',
      name: 'City contact',
      settings: {
        address: 'contact@city.example',
        smtpHost: '127.0.0.1',
        smtpPort: outgoingPort,
        smtpSecure: false,
      },
      secrets: {},
    });
  });
  after(async () => {
    await server.close();
    await new Promise<void>((resolve) => outgoing.close(() => resolve()));
  });

  test('the listener stores a mail once, however often it is sent, and threads the answer to it', async () => {
    const mail = {
      from: 'Ana Popescu <ana@example.ro>',
      to: 'contact@city.example',
      subject: 'Broken bench',
      text: 'The bench in Park Unirii is broken.',
      messageId: '<bench-1@example.ro>',
    };
    await resident().sendMail(mail);
    await resident().sendMail(mail);
    assert.equal(await count(), 1);
    await resident().sendMail({
      from: 'ana@example.ro',
      to: 'CONTACT@city.example',
      subject: 'Re: Broken bench',
      text: 'It is the one by the fountain.',
      messageId: '<bench-2@example.ro>',
      inReplyTo: '<bench-1@example.ro>',
      references: ['<bench-1@example.ro>'],
    });
    const rows = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['external_id', 'conversation_id', 'body', 'subject'])
      .where('channel_id', '=', channelId)
      .orderBy('id')
      .execute();
    assert.equal(rows.length, 2);
    assert.equal(rows[0]?.conversation_id, rows[1]?.conversation_id);
    assert.deepEqual(
      [rows[0]?.external_id, rows[0]?.body, rows[0]?.subject],
      ['<bench-1@example.ro>', 'The bench in Park Unirii is broken.', 'Broken bench'],
    );
    const author = await server.ctx.db
      .selectFrom('inbox_author')
      .select(['email', 'display_name'])
      .where('external_id', '=', 'ana@example.ro')
      .executeTakeFirstOrThrow();
    assert.deepEqual(author, { email: 'ana@example.ro', display_name: 'Ana Popescu' });
  });

  test('the listener refuses unknown recipients and mails above the size limit, and describes attachments', async () => {
    await assert.rejects(
      resident().sendMail({ from: 'x@example.org', to: 'nobody@city.example', subject: 'Hi', text: 'Hi' }),
      (error: { responseCode?: number }) => error.responseCode === 550,
    );
    const before = await count();
    await assert.rejects(
      resident().sendMail({
        from: 'big@example.org',
        to: 'contact@city.example',
        subject: 'Video',
        text: 'See attached',
        attachments: [{ filename: 'video.mp4', content: Buffer.alloc(20 * 1024 * 1024, 7), contentType: 'video/mp4' }],
      }),
      (error: { responseCode?: number; response?: string }) =>
        error.responseCode === 552 && /size/i.test(error.response ?? ''),
    );
    assert.equal(await count(), before);
    await resident().sendMail({
      from: 'photo@example.org',
      to: 'contact@city.example',
      subject: 'Photo',
      text: 'The hole',
      messageId: '<photo-1@example.org>',
      attachments: [{ filename: 'hole.jpg', content: Buffer.alloc(1024 * 1024, 1), contentType: 'image/jpeg' }],
    });
    const stored = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['attachments', 'body'])
      .where('external_id', '=', '<photo-1@example.org>')
      .executeTakeFirstOrThrow();
    assert.deepEqual(stored.attachments, [{ filename: 'hole.jpg', contentType: 'image/jpeg', size: 1024 * 1024 }]);
    assert.equal(stored.body, 'The hole');
  });

  test('answers by SMTP from the channel address with the threading headers', async () => {
    const conversation = await server.ctx.db
      .selectFrom('inbox_message')
      .select('conversation_id')
      .where('external_id', '=', '<bench-1@example.ro>')
      .executeTakeFirstOrThrow();
    const staff = await buildUser(server, { role: 'staff' });
    const id = await queueReply(server.ctx, {
      organisationId,
      conversationId: conversation.conversation_id,
      userId: staff.id,
      text: 'Thank you, it will be repaired this week.',
    });
    await server.ctx.jobs.runDue();
    const mail = delivered.at(-1);
    assert.ok(mail);
    assert.equal(mail.subject, 'Re: Broken bench');
    assert.equal(mail.from?.value[0]?.address, 'contact@city.example');
    assert.equal((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address, 'ana@example.ro');
    assert.equal(mail.inReplyTo, '<bench-2@example.ro>');
    assert.deepEqual(mail.references, ['<bench-1@example.ro>', '<bench-2@example.ro>']);
    assert.equal(mail.text?.trim(), 'Thank you, it will be repaired this week.');
    const sent = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['delivery', 'external_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(sent.delivery, 'sent');
    assert.equal(sent.external_id, mail.messageId);
    // the resident's answer to our mail comes back into the same conversation
    await resident().sendMail({
      from: 'ana@example.ro',
      to: 'contact@city.example',
      subject: 'Re: Re: Broken bench',
      text: 'Thanks!',
      messageId: '<bench-3@example.ro>',
      inReplyTo: mail.messageId,
      references: [String(mail.messageId)],
    });
    const back = await server.ctx.db
      .selectFrom('inbox_message')
      .select('conversation_id')
      .where('external_id', '=', '<bench-3@example.ro>')
      .executeTakeFirstOrThrow();
    assert.equal(back.conversation_id, conversation.conversation_id);
  });

  test('health logs in to the outgoing server', async () => {
    const channel = await loadChannel(server, organisationId, channelId);
    assert.deepEqual(await emailAdapter.health(channel, AbortSignal.timeout(5000), server.ctx), {
      ok: true,
      detail: 'SMTP ok',
    });
    const closed = await freePort();
    const down = await emailAdapter.health(
      { ...channel, settings: { ...channel.settings, smtpPort: closed } },
      AbortSignal.timeout(5000),
      contextAllowing(server, `127.0.0.1:${closed}`),
    );
    assert.deepEqual(down, {
      ok: false,
      detail: 'SMTP: OUTBOUND_UNREACHABLE: the server could not be reached or did not answer as expected',
    });
  });

  test('reads fetched sources: HTML-only mail, encoded headers, References root, unknown charsets', async () => {
    const html = await parseMail(eml('html-reply.eml'), { maxBytes: 10 * 1024 * 1024 });
    assert.equal(html.externalId, '<CAF=3xk2@mail.example.ro>');
    assert.equal(html.threadKey, '<root-0@mail.example.ro>');
    assert.equal(html.inReplyTo, '<reply-1@city.example>');
    assert.equal(html.subject, 'Groapă în asfalt');
    assert.deepEqual(html.author, {
      externalId: 'ana.popescu@example.ro',
      email: 'ana.popescu@example.ro',
      name: 'Ana Popescu',
    });
    assert.match(html.text, /Bună ziua,\s+groapa de pe strada Moților & Eminescu e tot acolo\./);
    const odd = await parseMail(eml('unknown-charset.eml'), { maxBytes: 1024 });
    assert.equal(odd.externalId, '<odd-charset-1@example.org>');
    assert.match(odd.text, /bench in the park is broken/);
    const tiny = await parseMail(
      Buffer.from(
        'From: a@b.c\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n' +
          'x'.repeat(3000) +
          '\r\n--z--\r\n',
      ),
      { maxBytes: 1024 },
    );
    assert.equal(tiny.attachments?.[0]?.filename, 'a.pdf');
    assert.match(tiny.text, /a\.pdf .* above the limit/);
  });
});
