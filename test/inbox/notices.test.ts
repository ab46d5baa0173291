import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { settleEarlierNotices } from '../../src/modules/inbox/migrations/20261215_1000_inbox_automatic_notices.ts';
import { tellReportUpdates } from '../../src/modules/inbox/report-updates.ts';
import type { TestClient } from '../support/client.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.ts';
import { runUntilDelivered } from '../support/inbox.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SECRET = 'notices-secret_0123456789';
const RESIDENT = { id: 5550044455, is_bot: false, first_name: 'Ana', last_name: 'Pop', language_code: 'en' };
const OTHER = { id: 5550066677, is_bot: false, first_name: 'Dan', last_name: 'Ilie', language_code: 'en' };
let nextUpdate = 731400000;
let nextMessage = 700;

function update(from: typeof RESIDENT, fields: Record<string, unknown>): string {
  return JSON.stringify({
    update_id: ++nextUpdate,
    message: {
      message_id: ++nextMessage,
      from,
      chat: { id: from.id, first_name: from.first_name, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      ...fields,
    },
  });
}

/**
 * Automatic notices (a report's change told to its author) are the city's, not a staff member's: they
 * are shown as such, are no first response and do not make the conversation wait. A message that could
 * not be delivered is no answer either: the conversation is marked, in the list too, and can be found.
 */
describe('inbox notices and failed deliveries', () => {
  let server: TestServer;
  let fake: FakeTelegram;
  let channelId: number;
  let admin: TestClient;
  let adminUser: { id: number };
  let staff: TestClient;
  let conversationId: number;
  let otherConversationId: number;

  const post = (body: string) =>
    fetch(`${server.url}/inbox/telegram/${channelId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body,
    });
  const conversation = (id: number) =>
    server.ctx.db
      .selectFrom('inbox_conversation')
      .select(['status', 'first_response_at', 'delivery_failed_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  /** The list's row of a conversation (its HTML), or undefined when the list does not show it. */
  const listRow = async (query: string, id: number): Promise<string | undefined> => {
    const { html } = await staff.page(`/staff/inbox${query}`);
    return html.split('<tr>').find((row) => row.includes(`href="/staff/inbox/${id}"`));
  };
  const deliver = (messageId: number) => runUntilDelivered(server, messageId);
  const lastOut = async (id: number) =>
    server.ctx.db
      .selectFrom('inbox_message')
      .select(['id', 'automatic', 'sent_by', 'delivery', 'body'])
      .where('conversation_id', '=', id)
      .where('direction', '=', 'out')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();

  before(async () => {
    fake = await startFakeTelegram();
    server = await startTestServer({ allowOutbound: [fake.apiBase] });
    const organisationId = await firstOrganisationId(server);
    channelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'telegram',
      name: 'City bot',
      settings: { apiBase: fake.apiBase },
      secrets: { token: fake.token, webhookSecret: SECRET },
    });
    await server.ctx.db
      .insertInto('reports_category')
      .values({
        organisation_id: organisationId,
        code: 'graffiti',
        group_name: JSON.stringify({ en: 'Cleanliness' }),
        name: JSON.stringify({ en: 'Graffiti' }),
        description: '{}',
        keywords: 'graffiti',
        expected_hours: 72,
        default_department_id: null,
        sort: 0,
      })
      .execute();
    ({ client: admin, user: adminUser } = await signedInClient(server, {
      role: 'admin',
      name: 'Elena Admin',
      language: 'en',
    }));
    ({ client: staff } = await signedInClient(server, { role: 'staff', name: 'Tomás Staff', language: 'en' }));
    // a resident files a report through the bot; nobody at the city has answered them
    for (const fields of [
      { text: '/report' },
      { text: '1' },
      { location: { latitude: 44.1049, longitude: 9.8236 } },
      { text: 'Skip' },
      { text: 'Graffiti on the school wall.' },
    ]) {
      const mark = fake.calls.mark();
      assert.equal((await post(update(RESIDENT, fields))).status, 200);
      await fake.waitForMessage(() => true, mark);
    }
    await fake.waitForMessage(/Your report number \d+ has been filed/);
    assert.equal((await post(update(OTHER, { text: 'When is the market open?' }))).status, 200);
    const rows = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select(['id', 'thread_key', 'report_id'])
      .where('channel_id', '=', channelId)
      .execute();
    conversationId = rows.find((row) => row.thread_key === String(RESIDENT.id))?.id ?? 0;
    otherConversationId = rows.find((row) => row.thread_key === String(OTHER.id))?.id ?? 0;
    assert.ok(conversationId && otherConversationId);
  });
  after(async () => {
    await server.close();
    await fake.close();
  });

  test('a report’s change is told as the city’s automatic notice: no one’s answer, no first response', async () => {
    const { report_id: reportId } = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select('report_id')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    assert.ok(reportId);
    const changed = await admin.submit(`/staff/reports/${reportId}`, `/staff/reports/${reportId}/status`, {
      status: 'in_progress',
      publicText: 'A crew will clean it on Monday.',
      internalNote: '',
      referTo: '',
    });
    assert.equal(changed.status, 303);
    const mark = fake.calls.mark();
    assert.equal(await tellReportUpdates(server.ctx), 1);
    const notice = await lastOut(conversationId);
    assert.equal(await deliver(notice.id), 'sent');
    await fake.waitForMessage(/has a new status: In progress[\s\S]*A crew will clean it on Monday\./, mark);
    assert.deepEqual([notice.automatic, notice.sent_by], [true, null]);
    const after = await conversation(conversationId);
    assert.equal(after.first_response_at, null, 'a notice is not a first response');
    assert.equal(after.status, 'new', 'nobody has answered: the conversation does not wait for the resident');
    const { html } = await staff.page(`/staff/inbox/${conversationId}`);
    assert.match(html, /Automatic notice from the city/);
    assert.doesNotMatch(html, /Answer by/);
    assert.match(html, new RegExp(`<a href="/staff/reports/${reportId}">Filed report #${reportId}</a>`));
    const row = await listRow('', conversationId);
    assert.match(row ?? '', /Waiting for a first response/);
    assert.doesNotMatch(row ?? '', /Answered after/);
  });

  test('an answer that could not be delivered is marked, in the list too, filterable, and no answer', async () => {
    fake.refuse.set('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    try {
      const answered = await staff.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/answer`, {
        text: 'Thank you, we are on it.',
      });
      assert.equal(answered.status, 303);
      const answer = await lastOut(conversationId);
      assert.equal(answer.body, 'Thank you, we are on it.');
      assert.equal(await deliver(answer.id), 'failed');
    } finally {
      fake.refuse.delete('sendMessage');
    }
    const failed = await conversation(conversationId);
    assert.ok(failed.delivery_failed_at, 'the conversation is marked');
    assert.equal(failed.first_response_at, null, 'an undelivered answer is not a first response');
    assert.equal(failed.status, 'open', 'nobody waits for the resident to answer what they never got');
    const row = await listRow('', conversationId);
    assert.match(row ?? '', /data-delivery="failed">Delivery failed</);
    assert.doesNotMatch(row ?? '', /Answered after/);
    assert.ok(await listRow('?delivery=failed', conversationId), 'the filter finds it');
    assert.equal(await listRow('?delivery=failed', otherConversationId), undefined, 'and only what failed');
    const { html } = await staff.page(`/staff/inbox/${conversationId}`);
    assert.match(html, /data-delivery="failed">A message to this person could not be delivered/);
    assert.match(html, /Not delivered/);
    assert.match(html, /Forbidden: bot was blocked by the user/);
  });

  test('answering again, delivered, clears the mark and counts as the first response', async () => {
    const answered = await staff.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/answer`, {
      text: 'Thank you, the crew comes on Monday.',
    });
    assert.equal(answered.status, 303);
    const mark = fake.calls.mark();
    assert.equal(await deliver((await lastOut(conversationId)).id), 'sent');
    await fake.waitForMessage(/^Thank you, the crew comes on Monday\.$/, mark);
    const now = await conversation(conversationId);
    assert.equal(now.delivery_failed_at, null);
    assert.ok(now.first_response_at);
    assert.equal(now.status, 'waiting');
    assert.equal(await listRow('?delivery=failed', conversationId), undefined);
    assert.match((await listRow('', conversationId)) ?? '', /Answered after/);
  });

  test('the migration makes earlier notices the city’s and works the marks out again', async () => {
    // as the inbox wrote them before: a notice in the first administrator's name, counted as the first
    // response; then a staff answer that was never delivered, still counted
    const organisationId = await firstOrganisationId(server);
    const sentAt = new Date(Date.now() - 3_600_000);
    const outgoing = (values: { sent_by: number; delivery: 'sent' | 'failed'; body: string; sent_at: Date }) =>
      server.ctx.db
        .insertInto('inbox_message')
        .values({
          organisation_id: organisationId,
          conversation_id: otherConversationId,
          channel_id: channelId,
          direction: 'out',
          external_id: null,
          in_reply_to: null,
          author_id: null,
          subject: null,
          url: null,
          lat: null,
          lng: null,
          attachments: '[]',
          raw: null,
          delivery_error: null,
          language: null,
          language_confidence: null,
          sentiment: null,
          sentiment_score: null,
          sentiment_by: null,
          topic: null,
          topic_by: null,
          district_id: null,
          place: null,
          analysed_at: values.sent_at,
          erased_at: null,
          ...values,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const notice = await outgoing({
      sent_by: adminUser.id,
      delivery: 'sent',
      body: 'Report #1 has changed',
      sent_at: sentAt,
    });
    await server.ctx.db
      .insertInto('inbox_report_notice')
      .values({
        organisation_id: organisationId,
        conversation_id: otherConversationId,
        subject_type: 'report',
        update_id: 987654,
        message_id: notice.id,
      })
      .execute();
    await outgoing({ sent_by: adminUser.id, delivery: 'failed', body: 'We will look.', sent_at: new Date() });
    await server.ctx.db
      .updateTable('inbox_conversation')
      .set({ first_response_at: sentAt, status: 'waiting' })
      .where('id', '=', otherConversationId)
      .execute();

    await settleEarlierNotices(server.ctx.db as unknown as Kysely<unknown>);

    const message = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['automatic', 'sent_by'])
      .where('id', '=', notice.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(message, { automatic: true, sent_by: null });
    const settled = await conversation(otherConversationId);
    assert.equal(settled.first_response_at, null);
    assert.equal(settled.status, 'open');
    assert.ok(settled.delivery_failed_at);
    // the conversations that had neither are left as they were
    assert.equal((await conversation(conversationId)).status, 'waiting');
  });
});
