import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { setTelegramWebhook, telegramAdapter } from '../../src/modules/inbox/channels/telegram.ts';
import { queueReply } from '../../src/modules/inbox/replies.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { loadChannel } from '../support/inbox.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'inbox', 'telegram', `${name}.json`), 'utf8');
const SECRET = 'webhook-secret_0123456789';

/** A fake Bot API: POST /bot<token>/<method>, answers `{ ok, result }`, records every call. */
function fakeTelegram() {
  const calls: Array<{ method: string; body: Record<string, unknown> }> = [];
  let nextId = 900;
  const server: Server = createServer(
    (request, response) =>
      void (async () => {
        let body = '';
        for await (const chunk of request) body += String(chunk);
        const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
        const send = (status: number, value: unknown) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (!match || match[1] !== '123456:CITY-BOT-TOKEN')
          return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
        const parsed = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
        calls.push({ method: match[2] ?? '', body: parsed });
        if (match[2] === 'getMe')
          return send(200, {
            ok: true,
            result: {
              id: 123456,
              is_bot: true,
              first_name: 'City',
              username: 'city_bot',
              can_join_groups: true,
              can_read_all_group_messages: false,
              supports_inline_queries: false,
            },
          });
        if (match[2] === 'setWebhook') return send(200, { ok: true, result: true, description: 'Webhook was set' });
        if (match[2] === 'sendMessage')
          return send(200, {
            ok: true,
            result: {
              message_id: nextId++,
              from: { id: 123456, is_bot: true, first_name: 'City', username: 'city_bot' },
              chat: { id: Number(parsed.chat_id), type: 'private' },
              date: Math.floor(Date.now() / 1000),
              text: parsed.text,
            },
          });
        return send(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      })(),
  );
  return { server, calls };
}

describe('Telegram channel', () => {
  let server: TestServer;
  let fake: ReturnType<typeof fakeTelegram>;
  let channelId: number;
  let organisationId: number;
  const post = (body: string, secret: string | null = SECRET) =>
    fetch(`${server.url}/inbox/telegram/${channelId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
      },
      body,
    });
  const sent = () => fake.calls.filter((call) => call.method === 'sendMessage');

  before(async () => {
    fake = fakeTelegram();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const address = fake.server.address();
    const apiBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    server = await startTestServer({ allowOutbound: [apiBase] });
    organisationId = await firstOrganisationId(server);
    channelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'telegram',
      name: 'City bot',
      settings: { apiBase },
      secrets: { token: '123456:CITY-BOT-TOKEN', webhookSecret: SECRET },
    });
    await server.ctx.db
      .insertInto('reports_category')
      .values({
        organisation_id: organisationId,
        code: 'streetlight',
        group_name: JSON.stringify({ en: 'Streets' }),
        name: JSON.stringify({ en: 'Streetlight out' }),
        description: '{}',
        keywords: 'lamp',
        expected_hours: 72,
        default_department_id: null,
        sort: 0,
      })
      .execute();
  });
  after(async () => {
    await server.close();
    fake.server.close();
  });

  test('refuses an update with a wrong or missing secret and stores nothing', async () => {
    const wrong = await post(fixture('text'), 'not-the-secret');
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /INBOX_WEBHOOK_SIGNATURE/);
    assert.equal((await post(fixture('text'), null)).status, 401);
    const count = await server.ctx.db
      .selectFrom('inbox_message')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
    assert.equal((await post('{"no":"update"}')).status, 400);
  });

  test('stores a message once however often Telegram delivers it, with the chat as the conversation', async () => {
    assert.equal((await post(fixture('text'))).status, 200);
    assert.equal((await post(fixture('text'))).status, 200);
    assert.equal((await post(fixture('edited-message'))).status, 200);
    const rows = await server.ctx.db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
      .innerJoin('inbox_author as a', 'a.id', 'm.author_id')
      .select(['m.external_id', 'm.body', 'c.thread_key', 'a.display_name', 'a.handle'])
      .where('m.channel_id', '=', channelId)
      .execute();
    assert.deepEqual(rows, [
      {
        external_id: '5550011122:201',
        body: 'Good morning, when is the glass collected in Cetate?',
        thread_key: '5550011122',
        display_name: 'Ioana Marin',
        handle: '@ioana_m',
      },
    ]);
  });

  test('files a report step by step: category, place, photo, description', async () => {
    const before = sent().length;
    await post(fixture('report-command'));
    assert.match(String(sent().at(-1)?.body.text), /What kind of problem is it\?[\s\S]*1\. Streetlight out/);
    assert.deepEqual((sent().at(-1)?.body.reply_markup as { keyboard: Array<Array<{ text: string }>> }).keyboard[0], [
      { text: 'Streetlight out' },
    ]);
    await post(fixture('category-number'));
    assert.match(String(sent().at(-1)?.body.text), /Where is it\?/);
    await post(fixture('location'));
    assert.match(String(sent().at(-1)?.body.text), /photo/);
    await post(fixture('photo'));
    assert.match(String(sent().at(-1)?.body.text), /describe the problem/);
    const dialogue = await server.ctx.db
      .selectFrom('inbox_telegram_dialogue')
      .selectAll()
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [dialogue.step, dialogue.category_code, dialogue.lat, dialogue.photo_file_id, dialogue.organisation_id],
      ['description', 'streetlight', 44.1052, 'AgACAgIAAxkBAAIBM2d_large', organisationId],
    );
    await post(fixture('description'));
    const last = String(sent().at(-1)?.body.text);
    const number = /number (\d+)/.exec(last)?.[1];
    assert.ok(number, last);
    assert.match(last, new RegExp(`/reports/${number}`));
    assert.equal(sent().length - before, 5);
    const report = await server.ctx.db
      .selectFrom('reports_report')
      .selectAll()
      .where('id', '=', Number(number))
      .executeTakeFirstOrThrow();
    assert.equal(report.description, 'The streetlight in front of number 12 has been off for a week.');
    const conversation = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select('report_id')
      .where('channel_id', '=', channelId)
      .where('thread_key', '=', '5550011122')
      .executeTakeFirstOrThrow();
    assert.equal(conversation.report_id, Number(number));
    assert.equal(
      await server.ctx.db
        .selectFrom('inbox_telegram_dialogue')
        .selectAll()
        .where('channel_id', '=', channelId)
        .executeTakeFirst(),
      undefined,
    );
  });

  test('answers from the inbox go to the chat as a reply to the last message', async () => {
    const conversation = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select('id')
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    const staff = await buildUser(server, { role: 'staff' });
    const id = await queueReply(server.ctx, {
      organisationId,
      conversationId: conversation.id,
      userId: staff.id,
      text: 'Glass is collected on Tuesdays.',
    });
    await server.ctx.jobs.runDue();
    assert.deepEqual(sent().at(-1)?.body, {
      chat_id: '5550011122',
      text: 'Glass is collected on Tuesdays.',
      reply_parameters: { message_id: 206, allow_sending_without_reply: true },
    });
    const row = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['delivery', 'external_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.delivery, 'sent');
    assert.match(row.external_id ?? '', /^5550011122:9\d\d$/);
  });

  test('checks the bot with getMe and registers the webhook with its secret', async () => {
    const channel = await loadChannel(server, organisationId, channelId);
    assert.deepEqual(await telegramAdapter.health(channel, AbortSignal.timeout(5000), server.ctx), {
      ok: true,
      detail: '@city_bot',
    });
    assert.equal(
      (await telegramAdapter.health({ ...channel, secrets: { token: 'bad' } }, AbortSignal.timeout(5000), server.ctx))
        .ok,
      false,
    );
    await setTelegramWebhook(
      server.ctx.outbound,
      channel,
      `https://city.example/inbox/telegram/${channelId}`,
      AbortSignal.timeout(5000),
    );
    assert.deepEqual(fake.calls.at(-1), {
      method: 'setWebhook',
      body: {
        url: `https://city.example/inbox/telegram/${channelId}`,
        secret_token: SECRET,
        allowed_updates: ['message'],
      },
    });
  });
});
