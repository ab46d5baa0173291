import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { insertChannel, updateChannel } from '../../src/modules/inbox/channels.repository.ts';
import { emailAdapter } from '../../src/modules/inbox/channels/email/email.ts';
import { pollChannels } from '../../src/modules/inbox/polling.ts';
import { FakeImapServer } from '../support/fake-imap.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { loadChannel } from '../support/inbox.ts';
import { contextAllowing, startTestServer, type TestServer } from '../support/server.ts';

const eml = (name: string) => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'inbox', 'email', name));

/** A mail of about `megabytes` MB: a short text and a photo attachment. */
function bulkyMail(megabytes: number, messageId?: string): Buffer {
  const photo = Buffer.alloc(Math.round(megabytes * 1024 * 1024 * 0.75), 7)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'Date: Wed, 25 Nov 2026 09:30:00 +0100',
      'From: Ana Popescu <ana.popescu@example.ro>',
      'To: contact@city.example',
      'Subject: Photos of the flooded underpass',
      ...(messageId ? [`Message-ID: ${messageId}`] : []),
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="mix"',
      '',
      '--mix',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'The underpass at the station is flooded again, photos attached.',
      '--mix',
      'Content-Type: image/jpeg; name="underpass.jpg"',
      'Content-Disposition: attachment; filename="underpass.jpg"',
      'Content-Transfer-Encoding: base64',
      '',
      photo,
      '--mix--',
      '',
    ].join('\r\n'),
  );
}

describe('e-mail channel: IMAP mailbox polling (against a fake IMAP server)', () => {
  let server: TestServer;
  let imap: FakeImapServer;
  let organisationId: number;
  let channelId: number;
  let clock = Date.now();
  /** Polls as the recurring job does, each time late enough that the channel is due (even backing off). */
  const poll = () => pollChannels(server.ctx, new Date((clock += 2 * 3600_000)));
  const channelRow = () =>
    server.ctx.db
      .selectFrom('inbox_channel')
      .select(['status', 'last_error', 'failures', 'cursor'])
      .where('id', '=', channelId)
      .executeTakeFirstOrThrow();
  const cursorOf = async () => {
    const { cursor } = await channelRow();
    return typeof cursor === 'string' ? (JSON.parse(cursor) as unknown) : cursor;
  };
  const messages = () =>
    server.ctx.db
      .selectFrom('inbox_message')
      .select(['external_id', 'conversation_id', 'body', 'subject'])
      .where('channel_id', '=', channelId)
      .orderBy('id')
      .execute();
  /** The commands of the client sessions since the last call. */
  let seen = 0;
  const newCommands = () => imap.log.slice(seen, (seen = imap.log.length));

  before(async () => {
    imap = await FakeImapServer.start({
      user: 'contact@city.example',
      password: 'mailbox pass "1"',
      messages: [eml('imap-streetlight.eml'), eml('imap-bulky-waste.eml')],
    });
    server = await startTestServer({ allowOutbound: [`127.0.0.1:${imap.port}`] });
    organisationId = await firstOrganisationId(server);
    channelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'email',
      name: 'City contact (IMAP)',
      settings: {
        address: 'contact@city.example',
        imapHost: '127.0.0.1',
        imapPort: imap.port,
        imapTls: false,
        imapUser: 'contact@city.example',
      },
      secrets: { imapPassword: 'mailbox pass "1"' },
    });
  });
  after(async () => {
    await server.close();
    await imap.close();
  });

  test('stores the mailbox once, read-only, and a second poll stores nothing new', async () => {
    const first = await poll();
    assert.deepEqual(first, { polled: 1, stored: 2, failed: 0 });
    const rows = await messages();
    assert.deepEqual(
      rows.map((row) => [row.external_id, row.subject]),
      [
        ['<20261123064102.4417@mx1.example.nl>', 'Streetlight out on Kerkstraat'],
        ['<a81c03f2-5d1e-4b7a-9c55-0e2d9b1f6a10@example.de>', 'Sperrmüll am Spielplatz'],
      ],
    );
    assert.match(
      rows[0]?.body ?? '',
      /^Good morning,\n\nthe streetlight in front of Kerkstraat 12 has been out since Friday\. In the evening/,
    );
    assert.match(rows[1]?.body ?? '', /Mit freundlichen Grüßen/);
    const author = await server.ctx.db
      .selectFrom('inbox_author')
      .select(['email', 'display_name'])
      .where('external_id', '=', 'm.schneider@example.de')
      .executeTakeFirstOrThrow();
    assert.deepEqual(author, { email: 'm.schneider@example.de', display_name: 'Martina Müller-Schneider' });
    assert.deepEqual(await cursorOf(), { uidValidity: String(imap.uidValidity), lastUid: 2 });
    assert.equal((await channelRow()).status, 'ok');

    const commands = newCommands();
    assert.ok(
      commands.some((line) => / EXAMINE INBOX$/.test(line)),
      'the mailbox is opened read-only',
    );
    assert.ok(!commands.some((line) => / (SELECT|STORE|EXPUNGE|MOVE|COPY) /.test(line)));
    assert.ok(
      commands.filter((line) => /BODY\.PEEK\[\]/.test(line)).length === 2 &&
        !commands.some((line) => /BODY\[/.test(line)),
    );
    assert.deepEqual([...imap.flags().values()], [[], []], 'nothing is marked as seen');

    assert.deepEqual(await poll(), { polled: 1, stored: 0, failed: 0 });
    assert.equal((await messages()).length, 2);
    assert.ok(!newCommands().some((line) => /BODY/.test(line)), 'mail already read is not downloaded again');
    assert.deepEqual(await cursorOf(), { uidValidity: String(imap.uidValidity), lastUid: 2 });
  });

  test('picks up a new mail at the next poll and threads a reply into its conversation', async () => {
    const uid = imap.append(eml('imap-streetlight-reply.eml'));
    assert.deepEqual(await poll(), { polled: 1, stored: 1, failed: 0 });
    const rows = await messages();
    assert.equal(rows.length, 3);
    assert.equal(rows[2]?.external_id, '<20261124170333.5120@mx1.example.nl>');
    assert.equal(rows[2].conversation_id, rows[0]?.conversation_id, 'the answer joins the conversation it answers');
    assert.notEqual(rows[1]?.conversation_id, rows[0]?.conversation_id);
    assert.equal(rows[2].body, 'It is still dark this evening, and now the light at number 14 flickers too.');
    assert.deepEqual(await cursorOf(), { uidValidity: String(imap.uidValidity), lastUid: uid });
    const conversation = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select('message_count')
      .where('id', '=', rows[0]?.conversation_id ?? 0)
      .executeTakeFirstOrThrow();
    assert.equal(conversation.message_count, 2);
  });

  test('a refused password marks the channel failing with a clear error and keeps the cursor', async () => {
    const cursor = await cursorOf();
    await updateChannel(server.ctx.db, server.config.secretKey, organisationId, channelId, {
      secrets: { imapPassword: 'an old password' },
    });
    imap.append(eml('html-reply.eml'));
    assert.deepEqual(await poll(), { polled: 1, stored: 0, failed: 1 });
    const row = await channelRow();
    assert.deepEqual(
      [row.status, row.last_error, row.failures],
      ['failing', 'IMAP: the server refused the user name or password', 1],
    );
    assert.ok(!row.last_error?.includes('old password'));
    assert.deepEqual(await cursorOf(), cursor);
    assert.ok(newCommands().some((line) => / LOGIN contact@city\.example \*\*\*$/.test(line)));

    const health = await emailAdapter.health(
      await loadChannel(server, organisationId, channelId),
      AbortSignal.timeout(10_000),
      server.ctx,
    );
    assert.deepEqual(health, { ok: false, detail: 'IMAP: the server refused the user name or password' });

    await updateChannel(server.ctx.db, server.config.secretKey, organisationId, channelId, {
      secrets: { imapPassword: 'mailbox pass "1"' },
    });
    assert.deepEqual(
      await emailAdapter.health(
        await loadChannel(server, organisationId, channelId),
        AbortSignal.timeout(10_000),
        server.ctx,
      ),
      { ok: true, detail: 'IMAP ok' },
    );
    assert.deepEqual(
      await poll(),
      { polled: 1, stored: 1, failed: 0 },
      'the mail that came meanwhile is read once the password is right',
    );
    assert.deepEqual([(await channelRow()).status, (await channelRow()).failures], ['ok', 0]);
    newCommands();
  });

  test('a mail above the size limit is stored as a note with its headers, without downloading it', async () => {
    await updateChannel(server.ctx.db, server.config.secretKey, organisationId, channelId, {
      settings: { ...(await loadChannel(server, organisationId, channelId)).settings, maxMegabytes: 1 },
    });
    const uid = imap.append(bulkyMail(1.5, '<flood-photos-1@example.ro>'));
    const anonymous = imap.append(bulkyMail(2));
    assert.deepEqual(await poll(), { polled: 1, stored: 2, failed: 0 });
    const stored = (await messages()).at(-2);
    assert.equal(stored?.external_id, '<flood-photos-1@example.ro>');
    assert.equal(stored.subject, 'Photos of the flooded underpass');
    assert.match(stored.body, /^\[This mail of 1\.5 MB is above the limit of 1\.0 MB; only its headers were read\.\]$/);
    const commands = newCommands();
    assert.ok(commands.some((line) => line.includes(`UID FETCH ${uid} (ENVELOPE`)));
    assert.ok(!commands.some((line) => line.includes(`UID FETCH ${uid} (BODY`)), 'the large mail is not downloaded');
    const author = await server.ctx.db
      .selectFrom('inbox_author')
      .select('email')
      .where('external_id', '=', 'ana.popescu@example.ro')
      .executeTakeFirst();
    assert.equal(author?.email, 'ana.popescu@example.ro');
    assert.ok(!commands.some((line) => line.includes(`UID FETCH ${anonymous} (BODY`)));
    assert.match(
      (await messages()).at(-1)?.external_id ?? '',
      /^imap:sha256:[0-9a-f]{64}$/,
      'without a Message-ID the id does not depend on UIDs',
    );
  });

  test('a new UIDVALIDITY reads the mailbox again without storing anything twice', async () => {
    const before = (await messages()).length;
    imap.renumber(1_800_000_000);
    assert.deepEqual(await poll(), { polled: 1, stored: 0, failed: 0 });
    assert.equal((await messages()).length, before);
    const commands = newCommands();
    assert.equal(
      commands.filter((line) => /BODY\.PEEK\[\]/.test(line)).length,
      4,
      'every mail is read again under the new UIDVALIDITY',
    );
    assert.equal(commands.filter((line) => /\(ENVELOPE/.test(line)).length, 2, 'the large ones as headers only, again');
    assert.deepEqual(await cursorOf(), { uidValidity: '1800000000', lastUid: 6 });
  });

  test('a connection lost in the middle of a poll fails that poll only; the next one reads the mail', async () => {
    imap.dropOn = /UID FETCH \d+ \(BODY\.PEEK\[\]/;
    imap.append(eml('unknown-charset.eml'));
    const cursor = await cursorOf();
    const failed = await poll();
    assert.deepEqual(failed, { polled: 1, stored: 0, failed: 1 });
    assert.match(
      (await channelRow()).last_error ?? '',
      /^IMAP: OUTBOUND_UNREACHABLE: the server could not be reached or did not answer as expected$/,
    );
    assert.deepEqual(await cursorOf(), cursor);
    imap.dropOn = undefined;
    assert.deepEqual(await poll(), { polled: 1, stored: 1, failed: 0 });
    assert.equal((await messages()).at(-1)?.external_id, '<odd-charset-1@example.org>');
  });

  test('a server that stops answering is left at the deadline, and an empty mailbox gives an empty poll', async () => {
    const channel = await loadChannel(server, organisationId, channelId);
    imap.stallOn = /UID FETCH/;
    const started = Date.now();
    await assert.rejects(emailAdapter.poll?.(channel, AbortSignal.timeout(400), server.ctx) ?? Promise.resolve(), {
      name: 'ChannelError',
      message: 'IMAP: the server did not answer in time; the poll was stopped',
    });
    assert.ok(Date.now() - started < 5000);
    imap.stallOn = undefined;

    const empty = await FakeImapServer.start({ user: 'contact@city.example', password: 'mailbox pass "1"' });
    try {
      const result = await emailAdapter.poll?.(
        { ...channel, settings: { ...channel.settings, imapPort: empty.port }, cursor: null },
        AbortSignal.timeout(10_000),
        contextAllowing(server, `127.0.0.1:${empty.port}`),
      );
      assert.deepEqual(result, { messages: [], cursor: { uidValidity: String(empty.uidValidity), lastUid: 0 } });
    } finally {
      await empty.close();
    }
  });

  test('an unreachable server makes the health check and the poll fail, without a crash', async () => {
    const gone = await FakeImapServer.start({ user: 'x', password: 'y' });
    const port = gone.port;
    await gone.close();
    const settings = { ...(await loadChannel(server, organisationId, channelId)).settings, imapPort: port };
    await updateChannel(server.ctx.db, server.config.secretKey, organisationId, channelId, { settings });
    const ctx = contextAllowing(server, `127.0.0.1:${port}`);
    const health = await emailAdapter.health(
      await loadChannel(server, organisationId, channelId),
      AbortSignal.timeout(10_000),
      ctx,
    );
    const unreachable = 'IMAP: OUTBOUND_UNREACHABLE: the server could not be reached or did not answer as expected';
    assert.deepEqual(health, { ok: false, detail: unreachable });
    assert.deepEqual(await pollChannels(ctx, new Date((clock += 2 * 3600_000))), { polled: 1, stored: 0, failed: 1 });
    assert.equal((await channelRow()).last_error, unreachable);
  });
});
