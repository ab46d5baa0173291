import assert from 'node:assert/strict';
import { findChannelRecord } from '../../src/modules/inbox/channels.repository.ts';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { ingestMessages } from '../../src/modules/inbox/ingest.ts';
import { tellReportUpdates } from '../../src/modules/inbox/report-updates.ts';
import { TestClient } from '../support/client.ts';
import { lastMailTo, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DEMO_PASSWORD = 'demo-password-123';

let server: TestServer;
let organisationId: number;
let admin: TestClient;
let roads: TestClient;
let departments: Record<string, number>;
let roadsStaffId: number;
let sequence = 0;

async function signIn(email: string): Promise<TestClient> {
  const client = new TestClient(server.url);
  const response = await client.submit('/sign-in', '/sign-in', { email, password: DEMO_PASSWORD });
  assert.equal(response.status, 303, `${email} signs in`);
  return client;
}

/** Sends the contact form as a resident would; returns the response. */
async function contact(fields: Record<string, string>, client = new TestClient(server.url)): Promise<Response> {
  return client.submit('/contact', '/contact', fields);
}

/** A unique e-mail address and text for one test. */
function unique(): { email: string; tag: string } {
  sequence++;
  return { email: `Resident.${sequence}.${Date.now()}@Example.org`, tag: `tag${sequence}x${Date.now()}` };
}

/** The conversation a contact message went into, found by its text. */
async function conversationOf(tag: string) {
  const row = await server.ctx.db
    .selectFrom('inbox_message as m')
    .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
    .select([
      'c.id',
      'c.status',
      'c.first_response_at',
      'c.report_id',
      'c.department_id',
      'c.assignee_id',
      'm.id as message_id',
    ])
    .where('m.body', 'like', `%${tag}%`)
    .orderBy('m.id')
    .executeTakeFirstOrThrow();
  return row;
}

async function countMessages(): Promise<number> {
  const row = await server.ctx.db
    .selectFrom('inbox_message')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

before(async () => {
  server = await startTestServer({ demo: true });
  const [city] = await server.organisations.findAll();
  assert.ok(city);
  organisationId = city.id;
  const rows = await server.ctx.db.selectFrom('core_department').select(['id', 'slug']).execute();
  departments = Object.fromEntries(rows.map((row) => [row.slug, row.id]));
  await server.ctx.db
    .updateTable('core_user')
    .set({ language: 'en' })
    .where('email', 'in', ['roads@valmora.example', 'admin@valmora.example'])
    .execute();
  roadsStaffId = (
    await server.ctx.db
      .selectFrom('core_user')
      .select('id')
      .where('email', '=', 'roads@valmora.example')
      .executeTakeFirstOrThrow()
  ).id;
  [admin, roads] = await Promise.all([signIn('admin@valmora.example'), signIn('roads@valmora.example')]);
});
after(() => server.close());

describe('the contact form', () => {
  test('stores a message from the public page, once, on the city’s one web channel', async () => {
    const page = await new TestClient(server.url).page('/contact');
    assert.equal(page.response.status, 200);
    assert.match(page.html, /<form method="post" action="\/contact"/);
    const { email, tag } = unique();
    const response = await contact({
      name: 'Ana Pop',
      email,
      district: '',
      place: 'Via Roma 3',
      message: `The bench is broken ${tag}`,
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/contact');
    const message = await server.ctx.db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_author as a', 'a.id', 'm.author_id')
      .select(['a.external_id', 'a.display_name', 'm.place', 'm.direction'])
      .where('m.body', 'like', `%${tag}%`)
      .execute();
    assert.equal(message.length, 1);
    assert.deepEqual(message[0], {
      external_id: email.toLowerCase(),
      display_name: 'Ana Pop',
      place: 'Via Roma 3',
      direction: 'in',
    });
    await contact({ email: unique().email, message: 'Another message' });
    const channels = await server.ctx.db
      .selectFrom('inbox_channel')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('kind', '=', 'web')
      .execute();
    assert.equal(channels.length, 1, 'one web channel per city');
  });

  test('refuses bad input with stable codes and stores nothing', async () => {
    const before = await countMessages();
    const response = await contact({ name: 'x', email: 'not-an-address', district: '999999', message: '   ' });
    assert.equal(response.status, 400);
    const html = await response.text();
    for (const code of [
      'INBOX_CONTACT_EMAIL_INVALID',
      'INBOX_CONTACT_MESSAGE_REQUIRED',
      'INBOX_CONTACT_DISTRICT_UNKNOWN',
    ])
      assert.match(html, new RegExp(`data-code="${code}"`));
    assert.match(html, /aria-invalid="true"/);
    const tooLong = await contact({ email: 'a@example.org', message: 'x'.repeat(4001) });
    assert.equal(tooLong.status, 400);
    assert.match(await tooLong.text(), /data-code="INBOX_CONTACT_TOO_LONG"/);
    const forged = await new TestClient(server.url).postForm('/contact', {
      email: 'a@example.org',
      message: 'no token',
    });
    assert.equal(forged.status, 403, 'a post without the CSRF token is refused');
    assert.equal(await countMessages(), before);
  });
});

describe('the staff inbox', () => {
  test('is closed to residents and to visitors', async () => {
    const { client } = await signedInClient(server);
    assert.equal((await client.get('/staff/inbox')).status, 403);
    assert.equal((await new TestClient(server.url).get('/staff/inbox')).status, 401);
  });

  test('lists conversations with filters, counts per status and a first-response marker', async () => {
    const first = unique();
    const second = unique();
    await contact({ email: first.email, message: `Rubbish everywhere ${first.tag}` });
    await contact({ email: second.email, message: `Lovely park ${second.tag}` });
    await server.ctx.jobs.runDue();
    const a = await conversationOf(first.tag);
    const b = await conversationOf(second.tag);
    await server.ctx.db
      .updateTable('inbox_message')
      .set({ language: 'de', sentiment: 'negative', analysed_at: new Date() })
      .where('id', '=', a.message_id)
      .execute();
    await server.ctx.db
      .updateTable('inbox_message')
      .set({ language: 'it', sentiment: 'positive', analysed_at: new Date() })
      .where('id', '=', b.message_id)
      .execute();
    // the first one has waited three days: over the default goal of 48 hours
    await server.ctx.db
      .updateTable('inbox_conversation')
      .set({ first_message_at: new Date(Date.now() - 72 * 3_600_000) })
      .where('id', '=', a.id)
      .execute();

    const all = await roads.page('/staff/inbox');
    assert.match(all.html, new RegExp(`href="/staff/inbox/${a.id}"`));
    assert.match(all.html, new RegExp(`href="/staff/inbox/${b.id}"`));
    const german = await roads.page('/staff/inbox?language=de');
    assert.match(german.html, new RegExp(`href="/staff/inbox/${a.id}"`));
    assert.doesNotMatch(german.html, new RegExp(`href="/staff/inbox/${b.id}"`));
    const positive = await roads.page(`/staff/inbox?sentiment=positive&q=${second.tag}`);
    assert.match(positive.html, new RegExp(`href="/staff/inbox/${b.id}"`));
    assert.doesNotMatch(positive.html, new RegExp(`href="/staff/inbox/${a.id}"`));
    const byText = await roads.page(`/staff/inbox?q=${first.tag}`);
    assert.match(byText.html, /data-count="new">1</);
    const row = byText.html.slice(byText.html.indexOf(`href="/staff/inbox/${a.id}"`));
    assert.match(
      row.slice(0, row.indexOf('</tr>')),
      /class="staff-overdue inbox-late">Waiting for a first response for 7\d h/,
    );
    const done = await roads.page(`/staff/inbox?q=${first.tag}&status=done`);
    assert.doesNotMatch(done.html, new RegExp(`href="/staff/inbox/${a.id}"`));
  });

  test('pages through a long inbox without repeating or skipping a conversation', async () => {
    const channelId = (
      await server.ctx.db.selectFrom('inbox_channel').select('id').where('kind', '=', 'web').executeTakeFirstOrThrow()
    ).id;
    const channel = await findChannelRecord(server.ctx.db, server.config.secretKey, organisationId, channelId);
    assert.ok(channel);
    const tag = `page${Date.now()}`;
    const at = new Date();
    // all at the same instant: the order falls back on the id
    await ingestMessages(
      server.ctx.db,
      server.ctx.jobs,
      channel,
      Array.from({ length: 57 }, (_, i) => ({
        externalId: `${tag}-${i}`,
        author: { externalId: `p${i}@example.org` },
        text: `${tag} number ${i}`,
        sentAt: at,
      })),
    );
    const seen: string[] = [];
    let path = `/staff/inbox?q=${tag}`;
    for (let pages = 0; pages < 5 && path; pages++) {
      const { html } = await roads.page(path);
      seen.push(...[...html.matchAll(/<td><a href="\/staff\/inbox\/(\d+)">/g)].map((m) => m[1] as string));
      path = /href="(\/staff\/inbox\?[^"]*after=[^"]+)" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
    }
    assert.equal(seen.length, 57);
    assert.equal(new Set(seen).size, 57);
  });

  test('saves the current filters as a named view, lists it and deletes it', async () => {
    const saved = await roads.submit('/staff/inbox', '/staff/inbox/views', {
      name: 'German complaints',
      language: 'de',
      sentiment: 'negative',
    });
    assert.equal(saved.status, 303);
    const page = await roads.page('/staff/inbox');
    assert.match(page.html, /href="\/staff\/inbox\?language=de&amp;sentiment=negative">German complaints</);
    const view = await server.ctx.db
      .selectFrom('inbox_saved_view')
      .select(['id', 'filters'])
      .where('name', '=', 'German complaints')
      .executeTakeFirstOrThrow();
    const filters: unknown = typeof view.filters === 'string' ? JSON.parse(view.filters) : view.filters;
    assert.deepEqual(filters, { language: 'de', sentiment: 'negative' });
    assert.equal(
      (await admin.submit('/staff/inbox', `/staff/inbox/views/${view.id}/delete`, {})).status,
      404,
      'another person cannot delete it',
    );
    assert.equal((await roads.submit('/staff/inbox', `/staff/inbox/views/${view.id}/delete`, {})).status, 303);
    assert.doesNotMatch((await roads.page('/staff/inbox')).html, /German complaints/);
  });
});

describe('a conversation', () => {
  test('shows the whole thread with the resident’s text escaped', async () => {
    const { email, tag } = unique();
    await contact({ email, message: `<script>alert("x")</script> ${tag}` });
    const conversation = await conversationOf(tag);
    const page = await roads.page(`/staff/inbox/${conversation.id}`);
    assert.equal(page.response.status, 200);
    assert.match(page.html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.doesNotMatch(page.html, /<script>alert/);
    assert.equal((await roads.get('/staff/inbox/99999999')).status, 404);
  });

  test('is assigned to a department and one of its members, audited; an outsider is refused', async () => {
    const { email, tag } = unique();
    await contact({ email, message: `Pothole in the road ${tag}` });
    const conversation = await conversationOf(tag);
    const refused = await roads.submit(`/staff/inbox/${conversation.id}`, `/staff/inbox/${conversation.id}/assign`, {
      departmentId: String(departments.parks),
      assigneeId: String(roadsStaffId),
    });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /data-code="INBOX_ASSIGNEE_INVALID"/);
    const response = await roads.submit(`/staff/inbox/${conversation.id}`, `/staff/inbox/${conversation.id}/assign`, {
      departmentId: String(departments.roads),
      assigneeId: String(roadsStaffId),
    });
    assert.equal(response.status, 303);
    const after = await conversationOf(tag);
    assert.deepEqual([after.department_id, after.assignee_id], [departments.roads, roadsStaffId]);
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select(['actor_label'])
      .where('action', '=', 'inbox.conversation.assign')
      .where('subject_id', '=', String(conversation.id))
      .execute();
    assert.equal(audit.length, 1);
    const mine = await roads.page(`/staff/inbox?assignee=me&q=${tag}`);
    assert.match(mine.html, new RegExp(`href="/staff/inbox/${conversation.id}"`));
  });

  test('is answered from a template in its language; the resident gets the mail and the first response is recorded', async () => {
    const created = await admin.submit('/staff/inbox/templates', '/staff/inbox/templates', {
      name: 'Thanks',
      text_en: 'Thank you for writing.',
      text_it: 'Grazie per averci scritto.',
    });
    assert.equal(created.status, 303);
    const template = await server.ctx.db
      .selectFrom('inbox_template')
      .select('id')
      .where('name', '=', 'Thanks')
      .executeTakeFirstOrThrow();
    const { email, tag } = unique();
    await contact({ email, message: `Buongiorno, la panchina è rotta ${tag}` });
    const conversation = await conversationOf(tag);
    await server.ctx.jobs.runDue();
    await server.ctx.db
      .updateTable('inbox_message')
      .set({ language: 'it', analysed_at: new Date() })
      .where('id', '=', conversation.message_id)
      .execute();
    const page = await roads.page(`/staff/inbox/${conversation.id}?template=${template.id}`);
    assert.match(page.html, /<textarea id="answer-text"[^>]*lang="it"[^>]*>Grazie per averci scritto\.<\/textarea>/);

    const empty = await roads.submit(`/staff/inbox/${conversation.id}`, `/staff/inbox/${conversation.id}/answer`, {
      text: '   ',
    });
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /data-code="INBOX_REPLY_EMPTY"/);
    const sent = await roads.submit(`/staff/inbox/${conversation.id}`, `/staff/inbox/${conversation.id}/answer`, {
      text: 'Grazie, mandiamo una squadra.',
      templateId: String(template.id),
    });
    assert.equal(sent.status, 303);
    await server.ctx.jobs.runDue();
    const mail = await lastMailTo(server, email.toLowerCase());
    assert.ok(mail, 'the resident got a mail');
    assert.equal(mail.text_body, 'Grazie, mandiamo una squadra.');
    assert.match(mail.subject, /^Re: Buongiorno/);
    const answered = await conversationOf(tag);
    assert.ok(answered.first_response_at, 'the first response time is recorded');
    assert.equal(answered.status, 'waiting');
    const out = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['delivery', 'sent_by'])
      .where('conversation_id', '=', conversation.id)
      .where('direction', '=', 'out')
      .executeTakeFirstOrThrow();
    assert.deepEqual(out, { delivery: 'sent', sent_by: roadsStaffId });
    assert.match((await roads.page(`/staff/inbox/${conversation.id}`)).html, /inbox-delivery--sent/);
  });

  test('is marked done, and opens again when the resident writes again', async () => {
    const { email, tag } = unique();
    await contact({ email, message: `Question about bins ${tag}` });
    const conversation = await conversationOf(tag);
    assert.equal(
      (await roads.submit(`/staff/inbox/${conversation.id}`, `/staff/inbox/${conversation.id}/status`, { done: '1' }))
        .status,
      303,
    );
    assert.equal((await conversationOf(tag)).status, 'done');
    await contact({ email: email.toUpperCase(), message: `And one more thing ${tag}-again` });
    const again = await conversationOf(`${tag}-again`);
    assert.equal(again.id, conversation.id, 'the same person continues the same conversation');
    assert.equal(again.status, 'open');
  });

  test('relabels a message: the label is kept and taught to the classifier', async () => {
    const { email, tag } = unique();
    await contact({ email, message: `Not sure how I feel ${tag}` });
    const conversation = await conversationOf(tag);
    const response = await roads.submit(
      `/staff/inbox/${conversation.id}`,
      `/staff/inbox/${conversation.id}/messages/${conversation.message_id}/labels`,
      { sentiment: 'negative', topic: '' },
    );
    assert.equal(response.status, 303);
    const message = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['sentiment', 'sentiment_by'])
      .where('id', '=', conversation.message_id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(message, { sentiment: 'negative', sentiment_by: roadsStaffId });
    const { rows } = await sql<{
      label: string;
    }>`select label from inbox_classifier_example where message_id = ${conversation.message_id}`.execute(server.ctx.db);
    assert.deepEqual(
      rows.map((row) => row.label),
      ['negative'],
    );
    const bad = await roads.submit(
      `/staff/inbox/${conversation.id}`,
      `/staff/inbox/${conversation.id}/messages/${conversation.message_id}/labels`,
      { sentiment: 'furious', topic: '' },
    );
    assert.equal(bad.status, 400);
  });
});

describe('turning a message into a report', () => {
  test('creates the report, tells the resident with its link, then tells each public change exactly once', async () => {
    const { email, tag } = unique();
    await contact({ email, message: `Graffiti on the school wall ${tag}` });
    const conversation = await conversationOf(tag);
    const form = await roads.page(`/staff/inbox/${conversation.id}/report?message=${conversation.message_id}`);
    assert.equal(form.response.status, 200);
    assert.match(form.html, new RegExp(`Graffiti on the school wall ${tag}</textarea>`));
    const response = await roads.submit(
      `/staff/inbox/${conversation.id}/report?message=${conversation.message_id}`,
      `/staff/inbox/${conversation.id}/report`,
      {
        message: String(conversation.message_id),
        category: 'graffiti',
        lat: '44.1035',
        lng: '9.8245',
        address: 'Via Roma',
        description: `Graffiti on the school wall ${tag}`,
      },
    );
    assert.equal(response.status, 303);
    const linked = await conversationOf(tag);
    assert.ok(linked.report_id, 'the conversation is linked to the report');
    const report = await server.ctx.db
      .selectFrom('reports_report')
      .select(['source', 'description'])
      .where('id', '=', linked.report_id)
      .executeTakeFirstOrThrow();
    assert.equal(report.source, 'inbox');
    await server.ctx.jobs.runDue();
    const told = await lastMailTo(server, email.toLowerCase());
    assert.match(told?.text_body ?? '', new RegExp(`/reports/${linked.report_id}\\b`));
    assert.equal(
      (
        await roads.submit(`/staff/inbox/${conversation.id}`, `/staff/inbox/${conversation.id}/report`, {
          message: String(conversation.message_id),
          category: 'graffiti',
          lat: '44.1035',
          lng: '9.8245',
          description: 'again',
        })
      ).status,
      409,
      'a conversation becomes one report',
    );

    const status = await admin.submit(
      `/staff/reports/${linked.report_id}`,
      `/staff/reports/${linked.report_id}/status`,
      { status: 'in_progress', publicText: `Crew on the way ${tag}`, internalNote: '', referTo: '' },
    );
    assert.equal(status.status, 303);
    await tellReportUpdates(server.ctx);
    await tellReportUpdates(server.ctx);
    await server.ctx.jobs.runDue();
    const mails = await server.ctx.db
      .selectFrom('core_mail')
      .select('text_body')
      .where('to_address', '=', email.toLowerCase())
      .execute();
    const updates = mails.filter((mail) => mail.text_body.includes(`Crew on the way ${tag}`));
    assert.equal(updates.length, 1, 'the change is told once');
    assert.match(updates[0]?.text_body ?? '', /In progress/);
  });

  test('refuses a place outside the city with the reports’ own code', async () => {
    const { email, tag } = unique();
    await contact({ email, message: `Far away ${tag}` });
    const conversation = await conversationOf(tag);
    const response = await roads.submit(
      `/staff/inbox/${conversation.id}/report?message=${conversation.message_id}`,
      `/staff/inbox/${conversation.id}/report`,
      { message: String(conversation.message_id), category: 'graffiti', lat: '10', lng: '10', description: 'x' },
    );
    assert.equal(response.status, 400);
    assert.match(await response.text(), /data-code="REPORT_OUTSIDE_CITY"/);
    assert.equal((await conversationOf(tag)).report_id, null);
  });
});

describe('answer templates', () => {
  test('administrators write, edit and archive them; staff read them only', async () => {
    const created = await admin.submit('/staff/inbox/templates', '/staff/inbox/templates', {
      name: 'Closed on Sunday',
      text_en: 'The office is closed on Sundays.',
    });
    assert.equal(created.status, 303);
    const template = await server.ctx.db
      .selectFrom('inbox_template')
      .select('id')
      .where('name', '=', 'Closed on Sunday')
      .executeTakeFirstOrThrow();
    assert.equal(
      (
        await admin.submit('/staff/inbox/templates', `/staff/inbox/templates/${template.id}`, {
          name: 'Closed on Sundays',
          text_en: 'Closed on Sundays.',
        })
      ).status,
      303,
    );
    const staffPage = await roads.page('/staff/inbox/templates');
    assert.equal(staffPage.response.status, 200);
    assert.match(staffPage.html, /Closed on Sundays/);
    assert.doesNotMatch(staffPage.html, /action="\/staff\/inbox\/templates"/, 'staff see no form');
    assert.equal(
      (await roads.submit('/staff/inbox/templates', '/staff/inbox/templates', { name: 'Mine', text_en: 'x' })).status,
      403,
    );
    const invalid = await admin.submit('/staff/inbox/templates', '/staff/inbox/templates', { name: '', text_en: '' });
    assert.equal(invalid.status, 400);
    assert.match(await invalid.text(), /data-code="INBOX_TEMPLATE_INVALID"/);
    assert.equal(
      (await admin.submit('/staff/inbox/templates', `/staff/inbox/templates/${template.id}/archive`, { archived: '1' }))
        .status,
      303,
    );
    assert.doesNotMatch((await roads.page('/staff/inbox/templates')).html, /Closed on Sundays/);
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('action')
      .where('subject_type', '=', 'inbox_template')
      .where('subject_id', '=', String(template.id))
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['inbox.template.create', 'inbox.template.edit', 'inbox.template.archive'],
    );
  });
});

describe('the contact form under load', () => {
  test('refuses posts over the public-write limit with 429 and stores none of them', async () => {
    const client = new TestClient(server.url);
    const { csrf } = await client.page('/contact');
    const before = await countMessages();
    let accepted = 0;
    let refused: Response | undefined;
    // the limit's window is one minute: at most two windows' worth of posts reach it
    for (let i = 0; i < 2 * server.config.rateLimits.publicWrite.limit + 1 && !refused; i++) {
      const response = await client.postForm('/contact', { _csrf: csrf, email: 'flood@example.org', message: '' });
      if (response.status === 429) refused = response;
      else accepted++;
    }
    assert.ok(refused, 'the limit was reached');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.ok(accepted <= server.config.rateLimits.publicWrite.limit);
    assert.equal(await countMessages(), before);
  });
});
