import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { setTelegramWebhook, telegramAdapter } from '../../src/modules/inbox/channels/telegram.ts';
import { queueReply } from '../../src/modules/inbox/replies.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { startFakeTelegram, type FakeTelegram, type TelegramCall } from '../support/fake-telegram.ts';
import { exifSegment, exifTiff, GPS_TEXT, gpsLatitudeBytes, grayJpeg, jfifSegment } from '../support/images.ts';
import { loadChannel, runUntilDelivered } from '../support/inbox.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'inbox', 'telegram', `${name}.json`), 'utf8');
const SECRET = 'webhook-secret_0123456789';
const IOANA = 5550011122;

/** A resident of the Italian-speaking part of the city, whose Telegram is in Italian. */
const MARCO = { id: 5550077788, is_bot: false, first_name: 'Marco', last_name: 'Bianchi', language_code: 'it' };
let nextUpdate = 731300000;
let nextMessage = 500;

/** An Update with a message from `from` in their private chat, as Telegram sends it. */
function messageUpdate(from: typeof MARCO, fields: Record<string, unknown>): string {
  return JSON.stringify({
    update_id: ++nextUpdate,
    message: {
      message_id: ++nextMessage,
      from,
      chat: { id: from.id, first_name: from.first_name, last_name: from.last_name, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      ...fields,
    },
  });
}

/** An Update for a press on a button of the bot's message `call` (a sendMessage the fake answered as `messageId`). */
function pressUpdate(from: typeof MARCO, buttons: { messageId: number; text: string }, data: string): string {
  return JSON.stringify({
    update_id: ++nextUpdate,
    callback_query: {
      id: `4382${++nextMessage}`,
      from,
      message: {
        message_id: buttons.messageId,
        from: { id: 123456, is_bot: true, first_name: 'City', username: 'city_bot' },
        chat: { id: from.id, first_name: from.first_name, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: buttons.text,
      },
      chat_instance: '-8214450133112233',
      data,
    },
  });
}

type InlineKeyboard = Array<Array<{ text: string; callback_data: string }>>;
const inlineKeyboard = (call: TelegramCall) =>
  (call.body.reply_markup as { inline_keyboard: InlineKeyboard } | undefined)?.inline_keyboard ?? [];

describe('Telegram channel', () => {
  let server: TestServer;
  let fake: FakeTelegram;
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
  /** Sends an update and waits for the bot's message matching `expected` that it causes. */
  const say = async (body: string, expected: RegExp): Promise<TelegramCall> => {
    const mark = fake.calls.mark();
    assert.equal((await post(body)).status, 200);
    return fake.waitForMessage(expected, mark);
  };
  /** The bot's message with buttons, as a press on one of them names it. */
  const buttonsOf = (call: TelegramCall) => ({ messageId: call.messageId ?? 0, text: String(call.body.text) });
  const chatMessages = (chatId: number) =>
    server.ctx.db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
      .select([
        'm.external_id',
        'm.body',
        'm.report_id',
        'm.direction',
        'c.id as conversation_id',
        'c.report_id as linked',
      ])
      .where('m.channel_id', '=', channelId)
      .where('c.thread_key', '=', String(chatId))
      .orderBy('m.id')
      .execute();

  before(async () => {
    fake = await startFakeTelegram();
    server = await startTestServer({ allowOutbound: [fake.apiBase] });
    organisationId = await firstOrganisationId(server);
    await server.organisations.update(organisationId, { languages: ['en', 'it'] });
    channelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'telegram',
      name: 'City bot',
      settings: { apiBase: fake.apiBase },
      secrets: { token: fake.token, webhookSecret: SECRET },
    });
    const category = (code: string, name: Record<string, string>, sort: number) =>
      server.ctx.db
        .insertInto('reports_category')
        .values({
          organisation_id: organisationId,
          code,
          group_name: JSON.stringify({ en: 'Streets' }),
          name: JSON.stringify(name),
          description: '{}',
          keywords: code,
          expected_hours: 72,
          default_department_id: null,
          sort,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    await category('streetlight', { en: 'Streetlight out' }, 0);
    const pothole = await category('pothole', { en: 'Pothole', it: 'Buca stradale' }, 1);
    const questions = [
      {
        code: 'location_type',
        datatype: 'singlevaluelist' as const,
        required: true,
        label: { en: 'Where exactly?', it: 'Dove si trova?' },
        options: [
          { key: 'street', name: { en: 'Street', it: 'Strada' } },
          { key: 'bike_lane', name: { en: 'Bike lane', it: 'Pista ciclabile' } },
        ],
      },
      {
        code: 'width_cm',
        datatype: 'number' as const,
        required: false,
        label: { en: 'About how wide is it (cm)?', it: 'Quanto è larga circa (cm)?' },
        options: [],
      },
      {
        code: 'kind',
        datatype: 'multivaluelist' as const,
        required: true,
        label: { en: 'What is damaged?', it: 'Che cosa è rovinato?' },
        options: [
          { key: 'asphalt', name: { en: 'Asphalt', it: 'Asfalto' } },
          { key: 'kerb', name: { en: 'Kerb', it: 'Cordolo' } },
          { key: 'drain', name: { en: 'Drain', it: 'Tombino' } },
        ],
      },
    ];
    for (const [sort, question] of questions.entries())
      await server.ctx.db
        .insertInto('reports_question')
        .values({
          organisation_id: organisationId,
          category_id: pothole.id,
          code: question.code,
          datatype: question.datatype,
          required: question.required,
          label: JSON.stringify(question.label),
          help: '{}',
          options: JSON.stringify(question.options),
          sort,
        })
        .execute();
  });
  after(async () => {
    await server.close();
    await fake.close();
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

  test('files a report step by step with its photo, cleaned; the conversation shows the report, not the steps', async () => {
    // the photo as a phone takes it: Exif with the place it was taken
    const photo = grayJpeg(32, 24, [jfifSegment(), exifSegment(exifTiff({ make: 'PhoneMaker' }))]);
    assert.ok(photo.includes(gpsLatitudeBytes()) && photo.includes(Buffer.from(GPS_TEXT)));
    fake.files.set('AgACAgIAAxkBAAIBM2d_large', photo);
    const category = await say(fixture('report-command'), /What kind of problem is it\?/);
    assert.match(String(category.body.text), /1\. Streetlight out\n2\. Pothole/);
    assert.deepEqual(
      (category.body.reply_markup as { keyboard: Array<Array<{ text: string }>> }).keyboard.slice(0, 2),
      [[{ text: 'Streetlight out' }], [{ text: 'Pothole' }]],
    );
    await say(fixture('category-number'), /Where is it\?/);
    await say(fixture('location'), /photo/);
    const downloads = fake.downloads.mark();
    await say(fixture('photo'), /describe the problem/);
    await fake.downloads.waitFor(() => true, { after: downloads, what: 'the photo’s download' });
    const dialogue = await server.ctx.db
      .selectFrom('inbox_telegram_dialogue')
      .selectAll()
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [dialogue.step, dialogue.category_code, dialogue.lat, dialogue.photo_file_id, dialogue.organisation_id],
      ['description', 'streetlight', 44.1052, 'AgACAgIAAxkBAAIBM2d_large', organisationId],
    );
    const filed = await say(fixture('description'), /number (\d+)/);
    const number = /number (\d+)/.exec(String(filed.body.text))?.[1];
    assert.match(String(filed.body.text), new RegExp(`/reports/${number}`));
    const report = await server.ctx.db
      .selectFrom('reports_report')
      .selectAll()
      .where('id', '=', Number(number))
      .executeTakeFirstOrThrow();
    assert.equal(report.description, 'The streetlight in front of number 12 has been off for a week.');
    const photos = await server.ctx.db
      .selectFrom('reports_photo')
      .select(['content_type', 'data', 'pending_token'])
      .where('report_id', '=', report.id)
      .execute();
    assert.equal(photos.length, 1, 'the photo is attached to the report');
    const [kept] = photos;
    assert.ok(kept);
    const stored = Buffer.from(kept.data);
    assert.deepEqual([kept.content_type, kept.pending_token], ['image/jpeg', null]);
    assert.ok(!stored.includes(gpsLatitudeBytes()) && !stored.includes(Buffer.from(GPS_TEXT)), 'no place left in it');
    assert.ok(!stored.includes(Buffer.from('PhoneMaker')), 'no Exif left in it');
    // the chat's conversation: the message to the city before, then one item — the report — not /report, "1", the place…
    const messages = await chatMessages(IOANA);
    assert.deepEqual(
      messages.map((m) => [m.external_id, m.body, m.report_id]),
      [
        ['5550011122:201', 'Good morning, when is the glass collected in Cetate?', null],
        ['5550011122:206', 'The streetlight in front of number 12 has been off for a week.', report.id],
      ],
    );
    assert.equal(messages[0]?.linked, report.id);
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
      .where('thread_key', '=', String(IOANA))
      .executeTakeFirstOrThrow();
    const staff = await buildUser(server, { role: 'staff' });
    const mark = fake.calls.mark();
    const id = await queueReply(server.ctx, {
      organisationId,
      conversationId: conversation.id,
      userId: staff.id,
      text: 'Glass is collected on Tuesdays.',
    });
    assert.equal(await runUntilDelivered(server, id), 'sent');
    const answer = await fake.waitForMessage(/^Glass is collected on Tuesdays\.$/, mark);
    assert.deepEqual(answer.body, {
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

  test('asks the category’s questions in the resident’s language, with buttons for choices, checked like the form', async () => {
    await say(messageUpdate(MARCO, { text: '/report' }), /tipo di problema si tratta/);
    const first = await say(messageUpdate(MARCO, { text: 'Buca stradale' }), /Dove si trova\?/);
    assert.deepEqual(inlineKeyboard(first).slice(0, 2), [
      [{ text: 'Strada', callback_data: 'q0:0' }],
      [{ text: 'Pista ciclabile', callback_data: 'q0:1' }],
    ]);
    assert.ok(
      !inlineKeyboard(first)
        .flat()
        .some((button) => button.callback_data === 'q0:skip'),
      'required',
    );
    // typed text that is no option is refused in the form's words, and the question asked again
    const mark = fake.calls.mark();
    await post(messageUpdate(MARCO, { text: 'in the middle' }));
    await fake.waitForMessage(/La risposta a «Dove si trova\?» non è valida/, mark);
    await fake.waitForMessage(/Dove si trova\?\n/, mark);
    // a press on a button answers; the question then shows the answer instead of its buttons
    const press = pressUpdate(MARCO, buttonsOf(first), 'q0:1');
    const width = await say(press, /Quanto è larga circa/);
    const edited = await fake.calls.waitFor((call) => call.method === 'editMessageText', { after: mark });
    assert.match(String(edited.body.text), /→ Pista ciclabile$/);
    await fake.calls.waitFor((call) => call.method === 'answerCallbackQuery', { after: mark });
    // the same press delivered again by Telegram is not taken twice
    const again = fake.calls.mark();
    await post(press);
    await fake.calls.waitFor((call) => call.method === 'answerCallbackQuery' && /già/.test(String(call.body.text)), {
      after: again,
    });
    assert.equal(fake.calls.filter((call) => call.method === 'sendMessage', again).length, 0);
    assert.match(String(width.body.text), /Può saltare questa domanda/);
    await say(
      messageUpdate(MARCO, { text: 'larghissima' }),
      /La risposta a .Quanto è larga circa \(cm\)\?. non è valida/,
    );
    const kind = await say(messageUpdate(MARCO, { text: '35,5' }), /Che cosa è rovinato\?/);
    const buttons = buttonsOf(kind);
    // several choices: each press ticks, "Fatto" answers; with none ticked the required question is asked again
    const done = fake.calls.mark();
    await post(pressUpdate(MARCO, buttons, 'q2:done'));
    await fake.waitForMessage(/Risponda a «Che cosa è rovinato\?»/, done);
    const ticks = fake.calls.mark();
    await post(pressUpdate(MARCO, buttons, 'q2:0'));
    await post(pressUpdate(MARCO, buttons, 'q2:2'));
    const ticked = (
      await fake.calls.waitFor(
        (call) => call.method === 'editMessageReplyMarkup' && JSON.stringify(call.body).includes('✓ Tombino'),
        { after: ticks },
      )
    ).body.reply_markup as { inline_keyboard: InlineKeyboard };
    assert.deepEqual(
      ticked.inline_keyboard.slice(0, 3).map(([button]) => button?.text),
      ['✓ Asfalto', 'Cordolo', '✓ Tombino'],
    );
    await say(pressUpdate(MARCO, buttons, 'q2:done'), /Dove si trova\? Invii una posizione/);
    await say(messageUpdate(MARCO, { location: { latitude: 44.1049, longitude: 9.8236 } }), /foto/);
    await say(messageUpdate(MARCO, { text: 'Salta' }), /Descriva il problema/);
    const filed = await say(messageUpdate(MARCO, { text: 'Buca profonda davanti al forno.' }), /numero (\d+)/);
    const id = Number(/numero (\d+)/.exec(String(filed.body.text))?.[1]);
    const report = await server.ctx.db
      .selectFrom('reports_report')
      .select(['answers', 'description', 'author_name'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(report.answers, { location_type: 'bike_lane', width_cm: '35.5', kind: ['asphalt', 'drain'] });
    assert.deepEqual(
      (await chatMessages(MARCO.id)).map((m) => [m.body, m.report_id]),
      [['Buca profonda davanti al forno.', id]],
      'one item, the report; not the twelve steps',
    );
  });

  test('a file that is not a photo is refused with the reason, and the step asked again', async () => {
    fake.files.set('BQACAgIAAxkBAAIBNmd_doc', Buffer.from('%PDF-1.7 not a picture'));
    await say(messageUpdate(MARCO, { text: '/report' }), /tipo di problema si tratta/);
    await say(messageUpdate(MARCO, { text: '1' }), /Dove si trova\?/);
    await say(messageUpdate(MARCO, { text: 'Via del Porto 12' }), /foto/);
    const mark = fake.calls.mark();
    await post(
      messageUpdate(MARCO, {
        document: { file_id: 'BQACAgIAAxkBAAIBNmd_doc', file_name: 'x.jpg', mime_type: 'image/jpeg', file_size: 22 },
      }),
    );
    await fake.waitForMessage(/non è una foto utilizzabile/, mark);
    await fake.waitForMessage(/Può inviare una foto/, mark);
    const dialogue = await server.ctx.db
      .selectFrom('inbox_telegram_dialogue')
      .select(['step', 'photo_token'])
      .where('chat_id', '=', String(MARCO.id))
      .executeTakeFirstOrThrow();
    assert.deepEqual(dialogue, { step: 'photo', photo_token: null });
    await say(messageUpdate(MARCO, { text: '/cancel' }), /annullata/);
  });

  test('/status lists the resident’s reports and their state, in their language', async () => {
    const ids = (await chatMessages(MARCO.id)).map((m) => m.report_id).filter((id) => id !== null);
    assert.equal(ids.length, 1);
    await server.ctx.db
      .updateTable('reports_report')
      .set({ status: 'in_progress' })
      .where('id', '=', ids[0] as number)
      .execute();
    const status = await say(messageUpdate(MARCO, { text: '/status' }), /Le Sue segnalazioni/);
    assert.match(
      String(status.body.text),
      new RegExp(`Segnalazione n\\. ${ids[0]} \\(Buca stradale\\): In corso\\n.*/reports/${ids[0]}`),
    );
    assert.doesNotMatch(String(status.body.text), /Streetlight/, 'only this chat’s reports');
    const english = await say(
      messageUpdate({ ...MARCO, id: 5550099900, language_code: 'en' }, { text: '/status' }),
      /not filed a report/,
    );
    assert.match(String(english.body.text), /Send \/report/);
    assert.equal((await chatMessages(MARCO.id)).length, 1, '/status is not stored in the inbox');
  });

  test('checks the bot with getMe and registers the webhook with its secret, for messages and button presses', async () => {
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
    const mark = fake.calls.mark();
    await setTelegramWebhook(
      server.ctx.outbound,
      channel,
      `https://city.example/inbox/telegram/${channelId}`,
      AbortSignal.timeout(5000),
    );
    const registered = await fake.calls.waitFor((call) => call.method === 'setWebhook', { after: mark });
    assert.deepEqual(registered.body, {
      url: `https://city.example/inbox/telegram/${channelId}`,
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query'],
    });
  });
});
