import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { notifyNewMessages } from '../../src/modules/inbox/team.use-cases.ts';
import type { TestClient } from '../support/client.ts';
import { lastMailTo } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { answersOf, residentWrites, signInAs } from '../support/team-inbox.ts';

let server: TestServer;
let roads: TestClient;
let admin: TestClient;
let roadsId: number;
let roadsDepartment: number;

before(async () => {
  server = await startTestServer({ demo: true });
  roads = await signInAs(server, 'roads@valmora.example');
  admin = await signInAs(server, 'admin@valmora.example');
  roadsId = (
    await server.ctx.db
      .selectFrom('core_user')
      .select('id')
      .where('email', '=', 'roads@valmora.example')
      .executeTakeFirstOrThrow()
  ).id;
  roadsDepartment = (
    await server.ctx.db.selectFrom('core_department').select('id').where('slug', '=', 'roads').executeTakeFirstOrThrow()
  ).id;
});
after(async () => server.close());

async function mailsTo(address: string): Promise<number> {
  const row = await server.ctx.db
    .selectFrom('core_mail')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('to_address', '=', address)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function unreadOf(client: TestClient): Promise<number> {
  const { html } = await client.page('/staff/inbox/notifications');
  return Number(/<p data-unread="(\d+)">/.exec(html)?.[1]);
}

describe('internal notes and mentions', () => {
  test('a note is shown to staff as internal, never sent; the person mentioned is notified in the page and by mail', async () => {
    const { conversationId } = await residentWrites(server, `note${Date.now()}`, 'The pothole on Via Verdi is back.');
    const before = await unreadOf(admin);
    const mailsBefore = await mailsTo('admin@valmora.example');
    const saved = await roads.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/notes`, {
      note: 'Same as last month — @admin can you check the contractor?',
    });
    assert.equal(saved.status, 303);
    const page = await roads.page(`/staff/inbox/${conversationId}`);
    assert.match(page.html, /<li class="inbox-note" id="note-\d+">/);
    assert.match(page.html, /Internal, not sent to the resident/);
    assert.deepEqual(await answersOf(server, conversationId), [], 'nothing goes to the resident');
    assert.equal(await mailsTo(`note${conversationId}@example.org`), 0);
    // the mention: a notification, counted in the menu, and a mail (the default preference)
    assert.equal(await unreadOf(admin), before + 1);
    const list = await admin.page('/staff/inbox');
    assert.match(list.html, /class="inbox-badge" data-unread="\d+"/);
    const notifications = await admin.page('/staff/inbox/notifications');
    assert.match(
      notifications.html,
      new RegExp(`data-kind="mention">[\\s\\S]*?href="/staff/inbox/${conversationId}">Ion Popescu mentioned you`),
    );
    assert.equal(await mailsTo('admin@valmora.example'), mailsBefore + 1);
    const mail = await lastMailTo(server, 'admin@valmora.example');
    assert.match(mail?.subject ?? '', /^Ion Popescu mentioned you in/);
    assert.match(mail?.text_body ?? '', new RegExp(`/staff/inbox/${conversationId}`));
    // opening the conversation reads its notifications
    await admin.page(`/staff/inbox/${conversationId}`);
    assert.equal(await unreadOf(admin), before);
  });

  test('an empty note is refused with its code; a mention by someone who turned mails off only notifies in the page', async () => {
    const { conversationId } = await residentWrites(server, `quiet${Date.now()}`, 'Bench broken in the park.');
    const empty = await roads.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/notes`, {
      note: '  ',
    });
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /data-code="INBOX_NOTE_EMPTY"/);
    const prefs = await admin.submit('/staff/inbox/preferences', '/staff/inbox/preferences', {
      emailAssignment: 'yes',
      shortcuts: 'yes',
    });
    assert.equal(prefs.status, 303);
    assert.match(
      (await admin.page('/staff/inbox/preferences')).html,
      /id="pref-emailMention" name="emailMention" value="yes">/,
    );
    const mails = await mailsTo('admin@valmora.example');
    const before = await unreadOf(admin);
    await roads.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/notes`, {
      note: '@admin FYI',
    });
    assert.equal(await unreadOf(admin), before + 1);
    assert.equal(await mailsTo('admin@valmora.example'), mails, 'no mail');
    // mentioning oneself or nobody notifies nobody
    await roads.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/notes`, {
      note: 'mail@example.org @nobody',
    });
    assert.equal(await unreadOf(admin), before + 1);
  });

  test('an assignment notifies the assignee; new messages notify department members who asked for it', async () => {
    const thread = `assign${Date.now()}`;
    const { conversationId } = await residentWrites(server, thread, 'Traffic light stuck on red.');
    const before = await unreadOf(roads);
    const mails = await mailsTo('roads@valmora.example');
    const assigned = await admin.submit(`/staff/inbox/${conversationId}`, `/staff/inbox/${conversationId}/assign`, {
      departmentId: String(roadsDepartment),
      assigneeId: String(roadsId),
    });
    assert.equal(assigned.status, 303);
    assert.equal(await unreadOf(roads), before + 1);
    assert.equal(await mailsTo('roads@valmora.example'), mails + 1);
    await notifyNewMessages(server.ctx); // the cursor starts at the latest message
    await roads.submit('/staff/inbox/preferences', '/staff/inbox/preferences', { notifyNewMessage: 'yes' });
    await residentWrites(server, thread, 'Still red, cars are queuing.');
    assert.ok((await notifyNewMessages(server.ctx)) >= 1);
    const { html } = await roads.page('/staff/inbox/notifications');
    assert.match(html, new RegExp(`data-kind="new_message">[\\s\\S]*?href="/staff/inbox/${conversationId}"`));
    assert.equal(await unreadOf(roads), before + 2);
    assert.equal(await notifyNewMessages(server.ctx), 0, 'each message is told once');
  });
});
